#pragma once
// Pure decisions about the cached access token: when to refresh it and whether a request
// may use it. Time is passed in so tests control it.

#include "api/clock.hpp"

#include <chrono>

namespace didit::detail {


struct token_lifetime {
    clock::time_point refresh_at; ///< from here on, refresh in the background
    clock::time_point expires_at; ///< from here on, the token must not be used
};

/// How long before expiry to refresh: a tenth of the lifetime, at most five minutes. One
/// refresh per lifetime whether the token lives seconds or days.
clock::duration refresh_margin(std::chrono::seconds expires_in);

/// The lifetime of a token whose request was sent at `requested_at` (the conservative start).
token_lifetime schedule_token(clock::time_point requested_at, std::chrono::seconds expires_in);

enum class token_action {
    use,              ///< the cached token is fresh
    use_and_refresh,  ///< the cached token is valid but due: use it and refresh in the background
    wait_for_refresh, ///< no usable token: wait for (or start) a refresh
};

/// `current` is null when no token is cached. `retry_not_before` delays another background
/// refresh after one failed, so a failing token endpoint is not hit by every request.
token_action decide_token_action(const token_lifetime* current, bool refresh_in_flight,
                                 clock::time_point now, clock::time_point retry_not_before);

/// When to try again after a background refresh failed while the token is still valid:
/// a quarter of the remaining validity, at most 30 seconds.
clock::time_point next_refresh_attempt(clock::time_point now, clock::time_point expires_at);

} // namespace didit::detail
