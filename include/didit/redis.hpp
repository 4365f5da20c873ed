#pragma once
// A rate budget that the processes of a fleet share through Redis (CMake target didit::redis,
// which links Debian's hiredis). See the README's "Running a fleet".
//
//   auto cfg = didit::config::from_env();   // DIDIT_REDIS_URL, DIDIT_FLEET_SHARE
//   cfg.fleet.backend = didit::redis_backend();
//   didit::client client{io.get_executor(), cfg};

#include <didit/config.hpp>

#include <memory>

namespace didit {

/// The backend for config::fleet.backend that keeps the budget in config::fleet.redis_url.
std::shared_ptr<const fleet_backend> redis_backend();

} // namespace didit
