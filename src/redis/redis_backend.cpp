#include <didit/redis.hpp>

#include "redis_budget.hpp"
#include "resilience/fleet_backend.hpp"

namespace didit {

namespace {

class redis_fleet_backend final : public fleet_backend {
public:
    std::unique_ptr<detail::rate_budget>
    make_budget(const detail::fleet_context& context) const override {
        return std::make_unique<detail::redis_budget>(context);
    }
};

} // namespace

std::shared_ptr<const fleet_backend> redis_backend() {
    return std::make_shared<redis_fleet_backend>();
}

} // namespace didit
