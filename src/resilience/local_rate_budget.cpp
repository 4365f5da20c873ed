#include "resilience/local_rate_budget.hpp"

#include <algorithm>

namespace didit::detail {

/// Requests reach the service a little after they leave, some later than others: count each
/// start as lasting a bit longer than the window, so that the service's window never sees more
/// than the limit. Until answers tell: a twentieth of the window, at least a quarter second (a
/// busy host or network can delay one request that much more than another), at most two.
clock::duration counted_window(clock::duration window) {
    using namespace std::chrono_literals;
    return window + std::clamp<clock::duration>(window / 20, 250ms, 2s);
}

reach_margin::reach_margin(clock::duration window)
    : window_(window), guess_(counted_window(window) - window) {}

void reach_margin::observe(clock::duration round_trip, clock::time_point now) {
    round_trip = std::max(round_trip, clock::duration::zero());
    while (!slowest_.empty() && slowest_.back().round_trip <= round_trip)
        slowest_.pop_back(); // never the maximum again: this one is slower and stays longer
    slowest_.push_back({now, round_trip});
}

clock::duration reach_margin::value(clock::time_point now) {
    using namespace std::chrono_literals;
    while (!slowest_.empty() && now - slowest_.front().at > 2 * window_)
        slowest_.pop_front();
    if (slowest_.empty())
        return guess_;
    // 5 ms more: the answer's arrival is seen a moment after it happens.
    return slowest_.front().round_trip + 5ms;
}

namespace {

/// A share of `limit`, rounded down but at least 1; 0 (no limit) stays 0.
unsigned share_of(unsigned limit, double share) {
    if (limit == 0)
        return 0;
    return std::max(1u, static_cast<unsigned>(static_cast<double>(limit) * share + 1e-9));
}

} // namespace

local_rate_budget::local_rate_budget(const rate_limits& limits, double share)
    : window_(std::chrono::duration_cast<clock::duration>(limits.window)), margin_(window_) {
    auto set = [&](rate_scope scope, unsigned limit) {
        logs_[static_cast<std::size_t>(scope)].configured = share_of(limit, share);
    };
    set(rate_scope::create_session, limits.create_session);
    set(rate_scope::retrieve_decision, limits.retrieve_decision);
    set(rate_scope::generate_pdf, limits.generate_pdf);
    set(rate_scope::generic_get, limits.generic_get);
    set(rate_scope::generic_write, limits.generic_write);
}

unsigned local_rate_budget::cap(const window_log& log) {
    if (log.reported != 0 && (log.configured == 0 || log.reported < log.configured))
        return log.reported;
    return log.configured;
}

unsigned local_rate_budget::limit(rate_scope scope) const {
    return cap(logs_[static_cast<std::size_t>(scope)]);
}

clock::time_point local_rate_budget::not_before(window_log& log, clock::time_point now) {
    if (now >= log.hold_until) {
        log.remaining_known = false;
        return now;
    }
    return log.remaining_known && log.allowed_until_reset > 0 ? now : log.hold_until;
}

void local_rate_budget::prune(window_log& log, clock::time_point now) const {
    auto counted_for = counted(now);
    while (!log.taken.empty() && now - log.taken.front() >= counted_for)
        log.taken.pop_front();
}

clock::time_point local_rate_budget::room_at(window_log& log, clock::time_point now) const {
    auto earliest = not_before(log, now);
    prune(log, now);
    if (auto limit = cap(log); limit != 0 && log.taken.size() >= limit)
        earliest = std::max(earliest, log.taken[log.taken.size() - limit] + counted(now));
    return earliest;
}

std::optional<clock::time_point> local_rate_budget::slot_after(const request_scopes& scopes,
                                                               clock::time_point now,
                                                               std::size_t ahead) {
    auto slot = now;
    for (std::size_t i = 0; i < scopes.size; ++i) {
        auto& log = logs_[static_cast<std::size_t>(scopes.scopes[i])];
        auto start = not_before(log, now);
        prune(log, now);
        auto limit = static_cast<std::size_t>(cap(log));
        if (limit == 0) {
            slot = std::max(slot, start);
            continue;
        }
        // The requests ahead and this one follow those in the log: the m-th request since the
        // log's oldest can go once the one `limit` places before it stops counting. Stepping
        // back a window at a time reaches a request already in the log, or none.
        auto m = log.taken.size() + ahead;
        std::size_t windows = 0;
        while (m >= limit && m - limit >= log.taken.size()) {
            m -= limit;
            ++windows;
        }
        auto counted_for = counted(now);
        auto first = m >= limit ? std::max(start, log.taken[m - limit] + counted_for) : start;
        slot = std::max(slot, first + static_cast<clock::duration::rep>(windows) * counted_for);
    }
    return slot;
}

std::optional<clock::time_point> local_rate_budget::try_take(const request_scopes& scopes,
                                                             clock::time_point now) {
    auto earliest = now;
    for (std::size_t i = 0; i < scopes.size; ++i)
        earliest =
            std::max(earliest, room_at(logs_[static_cast<std::size_t>(scopes.scopes[i])], now));
    if (earliest > now)
        return earliest;
    for (std::size_t i = 0; i < scopes.size; ++i) {
        auto& log = logs_[static_cast<std::size_t>(scopes.scopes[i])];
        if (log.configured == 0 && log.reported == 0)
            continue;
        log.taken.push_back(now);
        if (log.remaining_known && log.allowed_until_reset > 0)
            --log.allowed_until_reset;
    }
    return now;
}

void local_rate_budget::record(const request_scopes& scopes, clock::time_point now) {
    for (std::size_t i = 0; i < scopes.size; ++i) {
        auto& log = logs_[static_cast<std::size_t>(scopes.scopes[i])];
        if (log.configured == 0 && log.reported == 0)
            continue;
        prune(log, now);
        log.taken.push_back(now);
    }
}

void local_rate_budget::observe(const request_scopes& scopes, const rate_feedback& seen,
                                clock::time_point now) {
    if (seen.round_trip)
        margin_.observe(*seen.round_trip, now);
    auto& log = logs_[static_cast<std::size_t>(scopes.primary())];
    if (seen.limit && *seen.limit > 0)
        log.reported = *seen.limit;
    if (seen.throttled) {
        // The service turned a request away: nothing more until it said to come back.
        auto wait = seen.retry_after ? seen.retry_after : seen.reset_in;
        if (wait) {
            log.hold_until = std::max(log.hold_until, now + *wait);
            log.remaining_known = true;
            log.allowed_until_reset = 0;
        }
        return;
    }
    if (seen.remaining && seen.reset_in) {
        // The service's count includes requests this process cannot see (a shared key).
        log.hold_until = now + *seen.reset_in;
        log.remaining_known = true;
        log.allowed_until_reset = *seen.remaining;
    }
}

} // namespace didit::detail
