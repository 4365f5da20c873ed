#pragma once
// Listing sessions (v3 `GET /v3/sessions/`): filters, one page of rows.

#include <didit/decision.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit {

/// Filters (ANDed) and paging of a session listing. Views, copied before the call returns;
/// empty strings are not sent.
struct session_query {
    std::string_view vendor_data{}; ///< exact match
    /// Comma-separated statuses, display or enum form: "Approved,In Review" or "APPROVED".
    std::string_view status{};
    std::string_view workflow_id{};
    std::string_view country{};      ///< ISO 3166 alpha-3
    std::string_view date_from{};    ///< ISO 8601
    std::string_view date_to{};      ///< ISO 8601
    std::string_view search{};       ///< substring of vendor data, name, document, phone, email
    std::string_view session_kind{}; ///< "user" (the service's default), "business" or "all"
    std::optional<std::uint32_t>
        limit{}; ///< rows per page, at least 1; the service's default is 50
    std::uint64_t offset = 0;
};

/// One row of a listing (KYC; KYB rows fill the company fields instead).
struct session_summary {
    struct feature_state {
        std::string feature; ///< "ID_VERIFICATION", "LIVENESS", ...
        open_enum<feature_status> status;
    };

    std::string session_id;
    open_enum<session_status> status;
    std::optional<std::int64_t> session_number;
    std::optional<std::string> session_kind;
    std::optional<std::string> session_url;
    std::optional<std::string> vendor_data;
    std::optional<std::string> full_name;
    std::optional<std::string> country;
    std::optional<open_enum<didit::document_type>> document_type;
    std::optional<std::string> portrait_image;
    std::optional<std::string> didit_internal_id;
    std::optional<std::string> created_at;
    std::vector<feature_state> features;
    std::optional<std::string> phone_number;
    std::optional<bool> phone_verified;
    std::optional<std::string> email_address;
    std::optional<bool> email_verified;
    std::optional<std::string> company_name;        ///< KYB
    std::optional<std::string> registration_number; ///< KYB
    boost::json::value raw;
};

/// A page of a listing, newest session first.
struct session_page {
    std::uint64_t count = 0;             ///< rows matching the filters, over all pages
    std::optional<std::string> next;     ///< URL of the next page; none on the last
    std::optional<std::string> previous; ///< URL of the previous page; none on the first
    std::vector<session_summary> results;
};

} // namespace didit
