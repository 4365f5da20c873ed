#pragma once
// Decisions and session listings as the service sends them, read into the typed structs.
// Pure functions.

#include "wire/json_reader.hpp"

#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>
#include <didit/session_list.hpp>

#include <boost/system/result.hpp>

#include <string_view>

namespace didit::detail {

/// What a webhook's envelope says, for a `decision` inside it that leaves them out.
struct decision_envelope {
    std::string_view session_id;
    std::string_view status;
};

/// A decision object of `generation` (also the `decision` of a webhook payload, where
/// session_id and status default to the envelope's).
decision read_decision(const boost::json::value& value, api_generation generation, std::string path,
                       read_problem& problem, const decision_envelope& envelope = {});

/// A 200 decision response. On failure returns error::invalid_response with the reason, naming
/// the path of the bad field, in diag.message.
boost::system::result<decision> parse_decision(std::string_view body, api_generation generation,
                                               diagnostics& diag);

/// A 200 `GET /v3/sessions/` response.
boost::system::result<session_page> parse_session_page(std::string_view body, diagnostics& diag);

} // namespace didit::detail
