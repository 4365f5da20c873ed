#pragma once
// The rate budget of a fleet, kept in Redis: each slot is taken by one script call, atomically
// for all processes sharing the credential. While Redis cannot be reached (or answers later
// than fleet.redis_timeout) the process goes by a local budget of its fallback share, which
// also knows the process's own recent requests, and reconnects in the background.

#include "resilience/fleet_context.hpp"
#include "resilience/rate_budget.hpp"

#include <memory>

namespace didit::detail {

class redis_budget final : public rate_budget {
public:
    explicit redis_budget(const fleet_context& context);
    ~redis_budget() override;

    std::optional<clock::time_point> try_take(const request_scopes& scopes,
                                              clock::time_point now) override;
    boost::asio::awaitable<clock::time_point> take(request_scopes scopes,
                                                   clock::time_point now) override;
    void observe(const request_scopes& scopes, const rate_feedback& seen,
                 clock::time_point now) override;
    void stop() override;

private:
    struct core; // shared with the connection's background work
    std::shared_ptr<core> core_;
};

} // namespace didit::detail
