#pragma once
// A session as the emulator keeps it.

#include <didit/config.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace didit::emulator::detail {

struct review_record {
    std::string new_status;
    std::string comment;
    std::string created_at;
};

struct session_record {
    api_generation generation = api_generation::v1;
    std::string session_id;
    std::string session_token;
    std::string session_url;
    std::string vendor_data;
    std::string callback;
    std::string features; ///< v1 only, e.g. "OCR + FACE"; empty: the console's default
    std::string status = "Not Started";
    /// The status the person finished with ("Approved", "Declined", "In Review"); decides the
    /// checks' outcomes. Empty until then.
    std::string outcome;
    std::string workflow_id;     ///< v3 only
    boost::json::value metadata; ///< v3 only; null when not set
    /// v3 only, as given at create (null when not): echoed in the decision.
    boost::json::value contact_details;
    boost::json::value expected_details;
    std::string session_kind = "user"; ///< "business" for a KYB workflow's sessions
    std::string created_at;            ///< ISO 8601
    std::int64_t session_number = 0;
    std::vector<review_record> reviews;
    bool deleted = false; ///< soft delete: kept, but invisible to the API
};

} // namespace didit::emulator::detail
