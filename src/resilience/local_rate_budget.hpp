#pragma once
// This process's own rate budget: a sliding-window log per scope, corrected by what the
// service says in X-RateLimit-* headers and 429s. Pure logic (time is passed in); used only
// from the client's strand.

#include "resilience/rate_budget.hpp"

#include <didit/config.hpp>

#include <array>
#include <deque>

namespace didit::detail {

/// How long a request counts against its scope before any answer has shown how long requests
/// take to reach the service: the window plus a cautious margin (see the definition).
clock::duration counted_window(clock::duration window);

/// How long after it leaves a request may still be counted in the service's window: the
/// longest round trip among the requests whose slots may still count (the service counted
/// each somewhere between its sending and its answer), plus a little for scheduling; with no
/// such answer, a cautious guess. So the budget keeps only the margin the network needs and
/// uses the rest of the window. A request still unanswered is not known yet: one slower than
/// every answered one can be counted by the service after its slot was given out again.
class reach_margin {
public:
    explicit reach_margin(clock::duration window);
    /// The answer to a request whose slot was taken `round_trip` ago arrived at `now`.
    void observe(clock::duration round_trip, clock::time_point now);
    clock::duration value(clock::time_point now);

private:
    struct answer {
        clock::time_point at;
        clock::duration round_trip;
    };
    /// The answers of the last two windows (every slot that still counts was answered within
    /// them), oldest first, each slower than those after it: a sliding maximum.
    std::deque<answer> slowest_;
    clock::duration window_;
    clock::duration guess_;
};

class local_rate_budget final : public rate_budget {
public:
    /// `share` of each configured limit, at least 1 per window: a fleet process's part.
    explicit local_rate_budget(const rate_limits& limits, double share = 1.0);

    std::optional<clock::time_point> try_take(const request_scopes& scopes,
                                              clock::time_point now) override;
    void observe(const request_scopes& scopes, const rate_feedback& seen,
                 clock::time_point now) override;
    std::optional<clock::time_point> slot_after(const request_scopes& scopes, clock::time_point now,
                                                std::size_t ahead) override;

    /// Counts a request of `scopes` at `now` that was let through elsewhere (a shared budget),
    /// room or not: so that this budget knows this process's recent requests if it takes over.
    void record(const request_scopes& scopes, clock::time_point now);

    /// The limit in force for `scope`: the configured one, or the service's if smaller.
    unsigned limit(rate_scope scope) const;

    /// How long a request counts against its scope at `now`: the window and the margin learnt.
    clock::duration counted_window(clock::time_point now) const { return counted(now); }

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
    /// `now`, or later while the service said to hold back (a 429, Remaining 0).
    static clock::time_point not_before(window_log& log, clock::time_point now);
    /// Forgets the requests that no longer count.
    void prune(window_log& log, clock::time_point now) const;
    /// How long a request counts against its scope at `now`: the window and the margin.
    clock::duration counted(clock::time_point now) const { return window_ + margin_.value(now); }

    clock::duration window_;
    mutable reach_margin margin_; ///< forgets old answers as time passes
    std::array<window_log, rate_scope_count> logs_{};
};

} // namespace didit::detail
