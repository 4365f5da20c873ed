#pragma once
// The pure decisions behind client::call(): which methods and paths may be sent, whether a
// method is safe to repeat, and which rate scope a path falls in.

#include "resilience/rate_budget.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace didit::detail {

/// "GET", "POST", "PUT", "PATCH" or "DELETE" for `method` in any case; empty for others.
std::string_view canonical_method(std::string_view method);

/// Why `path` must not be sent; empty when it may. A path is absolute ("/v3/..."), relative to
/// config.api_url, with an optional query; never a URL of its own, and never with spaces,
/// control characters, a fragment or "..".
std::string check_call_path(std::string_view path);

/// GET and DELETE leave the same state however often they arrive (the service deletes once);
/// POST, PUT and PATCH are not repeated after an ambiguous attempt.
bool repeatable_method(std::string_view method);

/// The endpoints that take an `Idempotency-Key` (API reference 9: AML screening): the same key
/// and body replay the stored answer, so the client sets one per call and keeps it across
/// retries, which makes the call safe to repeat.
bool takes_idempotency_key(std::string_view method, std::string_view path);

/// "Idempotency-Key: <32 random hex digits>\r\n".
std::string idempotency_header();

/// The endpoint's own rate scope, for the paths that have one (create, decision, PDF).
std::optional<rate_scope> endpoint_scope(std::string_view method, std::string_view path);

} // namespace didit::detail
