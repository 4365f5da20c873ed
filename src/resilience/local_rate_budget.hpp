#pragma once
// This process's own rate budget: a sliding-window log per scope, corrected by what the
// service says in X-RateLimit-* headers and 429s. Pure logic (time is passed in); used only
// from the client's strand.

#include "resilience/rate_budget.hpp"

#include <didit/config.hpp>

#include <array>
#include <deque>

namespace didit::detail {

/// How long a request counts against its scope: the window plus a margin for requests that
/// reach the service later than others (see the definition).
clock::duration counted_window(clock::duration window);

class local_rate_budget final : public rate_budget {
public:
    /// `share` of each configured limit, at least 1 per window: a fleet process's part.
    explicit local_rate_budget(const rate_limits& limits, double share = 1.0);

    std::optional<clock::time_point> try_take(const request_scopes& scopes,
                                              clock::time_point now) override;
    void observe(const request_scopes& scopes, const rate_feedback& seen,
                 clock::time_point now) override;

    /// Counts a request of `scopes` at `now` that was let through elsewhere (a shared budget),
    /// room or not: so that this budget knows this process's recent requests if it takes over.
    void record(const request_scopes& scopes, clock::time_point now);

    /// The limit in force for `scope`: the configured one, or the service's if smaller.
    unsigned limit(rate_scope scope) const;

private:
    struct window_log {
        unsigned configured = 0;             ///< 0: the scope is not limited
        unsigned reported = 0;               ///< X-RateLimit-Limit; 0 until seen
        std::deque<clock::time_point> taken; ///< start times within the window, oldest first
        clock::time_point hold_until{};      ///< the service said: nothing before this
        unsigned allowed_until_reset = 0;    ///< X-RateLimit-Remaining, valid until hold_until
        bool remaining_known = false;
    };

    static unsigned cap(const window_log& log);
    /// The earliest time `log` has room at or after `now`.
    clock::time_point room_at(window_log& log, clock::time_point now) const;

    clock::duration window_;
    std::array<window_log, rate_scope_count> logs_{};
};

} // namespace didit::detail
