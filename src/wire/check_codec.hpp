#pragma once
// A standalone check's 200 answer (API reference 7) into check_result. Pure.

#include <didit/checks.hpp>
#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <string_view>

namespace didit::detail {

/// The status names of every page of the reference; unknown for others.
check_status check_status_named(std::string_view text);

/// Reads `body`, the answer of the check whose result is under `feature` ("face_match", ...;
/// empty for the e-mail and phone codes, which answer at the top level). Every documented
/// shape is taken: database validation's two (top level, or under `database_validation`), age
/// estimation's result under `age_estimation` or `liveness`, statuses such as `In Review`.
/// error::invalid_response, with the field in diag.message, when the body is not JSON or has
/// no request_id or status.
error_code read_check_result(std::string_view body, std::string_view feature, check_result& out,
                             diagnostics& diag);

} // namespace didit::detail
