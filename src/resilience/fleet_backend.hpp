#pragma once
// What config::fleet.backend is: the builder of a client's shared rate budget. Private: the
// only implementation is didit::redis_backend() (src/redis/).

#include "resilience/fleet_context.hpp"
#include "resilience/rate_budget.hpp"

#include <memory>

namespace didit {

class fleet_backend {
public:
    virtual ~fleet_backend() = default;
    virtual std::unique_ptr<detail::rate_budget>
    make_budget(const detail::fleet_context& context) const = 0;
};

} // namespace didit
