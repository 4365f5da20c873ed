#pragma once
// The one path every call takes: credentials -> rate budget -> attempt on a pooled
// connection -> classify -> retry or finish -> read the response. One coroutine on the
// client's strand; each attempt's I/O and reading run on its connection's strand
// (exchange.hpp).

#include "operations/operation.hpp"
#include "operations/operation_table.hpp"
#include "resilience/budget_line.hpp"
#include "resilience/rate_budget.hpp"
#include "transport/connection_pool.hpp"
#include "transport/exchange.hpp"

#include <didit/config.hpp>
#include <didit/observer.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>

namespace didit::detail {

class token_source;

/// What the client counts across calls (client_stats).
struct call_counters {
    std::atomic<std::uint64_t> attempts{0};
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> rate_limited_received{0}; ///< 429s seen on the wire
    std::atomic<std::uint64_t> budget_waits{0};          ///< waits for the local rate budget
    std::atomic<std::uint64_t> token_waits{0};           ///< calls that waited for a token
};

/// Uniform numbers in [0, 1) for backoff jitter. Used only on the strand.
class jitter_source {
public:
    jitter_source() : engine_(std::random_device{}()) {}
    double next() { return std::uniform_real_distribution<double>{0.0, 1.0}(engine_); }

private:
    std::minstd_rand engine_;
};

/// The shared parts a call uses.
struct call_context {
    connection_pool& pool;
    token_source* tokens = nullptr; ///< v1 API calls: the bearer token comes from here
    rate_budget* budget = nullptr;  ///< null: outside any budget
    budget_line* line = nullptr;    ///< where calls wait for the budget; set with `budget`
    const retry_policy& policy;
    call_counters& counters;
    jitter_source& jitter;
    std::shared_ptr<void> owner;                    ///< kept alive by token refreshes
    std::atomic<std::uint64_t>* requests = nullptr; ///< also counts each attempt, when set
    didit::observer* watcher = nullptr;             ///< told what happens, when set
};

/// What one call sends, and its row of the operation table with what this request adds to it.
struct call_spec {
    const operation_kind& kind;
    std::string_view route;   ///< the row's, for the client's generation
    outgoing_request request; ///< credentials: fixed ones (API key, Basic); v1 fills the token
    bool repeatable = false;  ///< the row's, or more (an idempotent create; a GET via call())
    request_scopes scopes{};  ///< empty: not counted against a rate budget
    std::size_t max_response_bytes = 0;
};

/// Runs `call` to its end: success once `reader` accepted a 2xx response, or the error of the
/// last attempt (outcome_unknown when a request that is not safe to repeat may have taken
/// effect). Diagnostics describe the last attempt, count the attempts and list the retries.
boost::asio::awaitable<error_code> perform_call(const call_context& ctx, const call_spec& call,
                                                response_reader& reader, operation_state& op);

} // namespace didit::detail
