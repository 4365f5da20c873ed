#pragma once
// didit-bench --scenario: the figures users feel (the rate budget used in full, bursts, token
// refreshes, a cold start), each against an in-process emulator that the scenario sets up.

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace didit_bench {

struct scenario_options {
    std::size_t windows = 10; ///< budget: how many windows of demand
    std::size_t requests = 0; ///< burst: the largest burst (0: 1k, 10k and 100k)
    double seconds = 10;      ///< refresh: how long the steady load lasts
};

/// The scenario's figures as JSON; nullopt for a name that is none of budget, burst, refresh,
/// cold-start.
std::optional<boost::json::object> run_scenario(std::string_view name,
                                                const scenario_options& options);

} // namespace didit_bench
