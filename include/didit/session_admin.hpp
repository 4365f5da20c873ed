#pragma once
// Managing sessions after they were created: reviewing, deleting, exporting.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit {

/// A reviewer's decision on a session.
enum class review_status {
    approved,
    declined,
    resubmitted, ///< v3 only: the person redoes the steps in nodes_to_resubmit
};

/// `PATCH .../update-status/`. Views, copied before the call returns. (With GCC 12, build one
/// with nodes_to_resubmit as a named variable: it cannot brace-initialise a vector member of a
/// temporary inside co_await.)
struct status_update {
    std::string_view session_id{};
    review_status new_status = review_status::approved;
    std::string_view comment{}; ///< kept in the session's audit trail
    // v3 only:
    bool send_email = false; ///< tell the person by email (needs email_address)
    std::string_view email_address{};
    std::string_view email_language{};                 ///< default "en"
    std::vector<std::string_view> nodes_to_resubmit{}; ///< node ids; required for resubmitted
};

/// A session report rendered by the service.
struct pdf_document {
    std::string content;  ///< the PDF bytes
    std::string filename; ///< from Content-Disposition, e.g. "session_<id>.pdf"
};

/// `POST /v3/sessions/delete/` (v3 only): either some sessions by number, or all of them.
struct batch_deletion {
    std::vector<std::int64_t> session_numbers{};
    bool delete_all = false; ///< deletes every session of the application
};

} // namespace didit
