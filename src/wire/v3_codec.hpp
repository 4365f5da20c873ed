#pragma once
// The v3 wire format for creating sessions. Pure functions.

#include <didit/session.hpp>

#include <string>

namespace didit::detail {

/// Why a request cannot be sent (names the field); empty when it is acceptable.
std::string check_workflow_session_request(const workflow_session_request& request);

/// The POST /v3/session/ body, omitting what is not set.
std::string workflow_session_body(const workflow_session_request& request);

} // namespace didit::detail
