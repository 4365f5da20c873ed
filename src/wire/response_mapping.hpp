#pragma once
// Pure mapping from an HTTP response (status, body, headers) to an error and diagnostics.

#include "wire/incoming_response.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace didit::detail {

/// The error an API status stands for; success for 2xx.
error_code error_for_api_status(unsigned status);

/// The error a token-endpoint status stands for; success for 2xx.
error_code error_for_token_status(unsigned status);

/// What an error body says. Control characters are dropped and each text is bounded, so a
/// hostile server cannot flood logs through it.
struct error_body {
    /// From a JSON body: `detail`, `message`, `error_description`, `error`, or DRF field
    /// errors ("field: message; ...").
    std::string detail;
    std::string code;     ///< a JSON body's stable `code`, e.g. "contract_billing_suspended"
    std::string not_json; ///< the first bytes of a body that is not JSON (an HTML error page)
};

error_body read_error_body(std::string_view body);

/// Seconds of a `Retry-After` header given as delta-seconds; nullopt otherwise.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

/// What a redirect to `location` means for the caller, naming where it pointed (its host only,
/// bounded and printable): redirects are never followed, so the credentials go nowhere else.
std::string redirect_note(std::string_view location);

/// Fills the diagnostics of a response that failed with `status`; for a redirect, `message`
/// names its target. The status comes apart: it is known even when the response was too large
/// to keep.
void describe_failure(unsigned status, const incoming_response& response, diagnostics& diag);

} // namespace didit::detail
