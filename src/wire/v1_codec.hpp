#pragma once
// The v1 wire format: token request and response, create-session body and response.
// Pure functions; the transport only moves the bytes they produce and consume.

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/session.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace didit::detail {

inline constexpr std::string_view token_request_body = "grant_type=client_credentials";

/// "Authorization: Basic base64(id:secret)\r\n". The result is a secret: never log it.
std::string basic_credentials(std::string_view client_id, std::string_view client_secret);

struct issued_token {
    std::string credentials; ///< "Authorization: Bearer <access_token>\r\n"; a secret
    std::chrono::seconds expires_in{};
};

/// Parses a 2xx token response: the lifetime is `expires_in`, or without it the time from `now`
/// to `exp`. On failure returns error::invalid_response and says why in diag.message (naming
/// the field, never its value).
boost::system::result<issued_token>
parse_token_response(std::string_view body, diagnostics& diag,
                     std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// Why a request cannot be sent (names the field); empty when it is acceptable.
std::string check_session_request(const session_request& request);

/// Whether `text` is an absolute http or https URL with a host (a callback's form).
bool is_http_url(std::string_view text);

/// `{"callback":...,"features":...,"vendor_data":...}`, omitting what is not set.
std::string create_session_body(const session_request& request);

/// Parses a 201 create-session response of either generation.
boost::system::result<session> parse_session(std::string_view body, diagnostics& diag);

/// parse_session into a default-constructed `into`, which the caller's result slot can be:
/// the session is then not moved on its way out. On failure `into` holds what was read.
boost::system::error_code read_session(std::string_view body, diagnostics& diag, session& into);

} // namespace didit::detail
