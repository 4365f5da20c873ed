#pragma once
// Error codes of the didit client, their category, and the conditions that group them.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace didit {

using boost::system::error_code;

/// Why a didit operation failed. Server-supplied text never goes into these messages;
/// it is in `didit::diagnostics` instead.
enum class error {
    invalid_request = 1,   ///< a request value the API would reject; nothing was sent
    bad_request,           ///< the API answered 400 (see diagnostics::detail)
    unauthorized,          ///< the API answered 401 even with a freshly fetched token
    forbidden,             ///< the API answered 403
    not_found,             ///< the API answered 404
    rate_limited,          ///< the API answered 429 (see diagnostics::retry_after)
    server_error,          ///< the API answered 5xx other than 503
    unexpected_status,     ///< the API answered a status this operation does not expect
    token_rejected,        ///< the token endpoint refused the client credentials
    invalid_response,      ///< a response was malformed, truncated or missing fields
    response_too_large,    ///< a response exceeded config::max_response_bytes
    connect_failed,        ///< no TCP connection could be made to the server
    tls_failed,            ///< the TLS handshake failed (e.g. certificate not trusted)
    connect_timeout,       ///< connecting took longer than config::connect_timeout
    handshake_timeout,     ///< the TLS handshake took longer than config::handshake_timeout
    token_timeout,         ///< fetching a token took longer than config::token_timeout
    request_timeout,       ///< the operation took longer than config::request_timeout
    outcome_unknown,       ///< the request was sent but no answer arrived: it may have taken effect
    connection_lost,       ///< the connection broke during an exchange that is safe to repeat
    unsupported_operation, ///< the configured API generation has no such operation; nothing sent
    service_unavailable,   ///< the API answered 503: it processed nothing (see retry_after)
    client_moved_from,     ///< the operation was started on a moved-from client; nothing sent
    payment_required,    ///< the API answered 402: the check could not be paid for; it did not run
    conflict,            ///< the API answered 409: the request conflicts with the current state
    proxy_auth_required, ///< the proxy refused the proxy credentials (407); nothing was sent on
    proxy_refused,       ///< the proxy would not open a tunnel to the service; nothing was sent on
};

/// Groups of errors a caller typically branches on.
enum class condition {
    timeout = 1,      ///< any of the *_timeout errors
    unauthorized,     ///< credentials or token refused (unauthorized, token_rejected, forbidden)
    rate_limited,     ///< throttled: slow down and honour diagnostics::retry_after
    server_error,     ///< the service failed (5xx, service_unavailable included)
    invalid_response, ///< the service answered something we cannot use
    /// Trying again later may succeed and repeating is known to be safe, whatever the operation:
    /// only failures the retry policy repeats for every operation (rate_limited,
    /// service_unavailable, connect and handshake failures) and connection_lost (which only
    /// operations that are safe to repeat report). A create's 500, 502 or 504 is not retryable.
    retryable,
};

/// The enumerator's name, e.g. "outcome_unknown": for logs and machine-readable output.
const char* to_string(error e) noexcept;

const boost::system::error_category& error_category() noexcept;
const boost::system::error_category& condition_category() noexcept;

inline error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), error_category()};
}
inline boost::system::error_condition make_error_condition(condition c) noexcept {
    return {static_cast<int>(c), condition_category()};
}

} // namespace didit

template <> struct boost::system::is_error_code_enum<didit::error> : std::true_type {};
template <> struct boost::system::is_error_condition_enum<didit::condition> : std::true_type {};
