#pragma once
// Decisions and session listings as the service sends them, read into the typed structs.
// Pure functions.

#include "json_reader.hpp"

#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>
#include <didit/session_list.hpp>

#include <boost/system/result.hpp>

#include <string_view>

namespace didit::detail {

/// A decision object of `generation` (also the `decision` of a webhook payload).
decision read_decision(const boost::json::value& value, api_generation generation, std::string path,
                       read_problem& problem);

/// A 200 decision response. On failure returns error::invalid_response with the reason, naming
/// the path of the bad field, in diag.message.
boost::system::result<decision> parse_decision(std::string_view body, api_generation generation,
                                               diagnostics& diag);

/// A 200 `GET /v3/sessions/` response.
boost::system::result<session_page> parse_session_page(std::string_view body, diagnostics& diag);

} // namespace didit::detail
