#pragma once
// The one path every call takes: credentials -> rate budget -> attempt on a pooled
// connection -> classify -> retry or finish -> read the response. Runs on the client's strand;
// each attempt's I/O and reading run on its connection's strand (exchange.hpp). A call that
// needs no wait is driven by hand (driven_call); the coroutine (perform_call) takes over the
// rest, from wherever the call stands.

#include "resilience/budget_line.hpp"
#include "resilience/rate_budget.hpp"
#include "transport/connection_pool.hpp"
#include "transport/exchange.hpp"
#include "transport/operation.hpp"

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
struct access_token;

/// What the client counts across calls (client_stats).
struct call_counters {
    std::atomic<std::uint64_t> attempts{0};
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> rate_limited_received{0}; ///< 429s seen on the wire
    std::atomic<std::uint64_t> budget_waits{0};          ///< waits for the local rate budget
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

/// What one call sends and what kind of call it is.
struct call_spec {
    std::string_view operation; ///< for observers: "create_session"
    std::string_view route;     ///< for observers: the path template, without ids
    outgoing_request request;   ///< credentials: fixed ones (API key, Basic); v1 fills the token
    bool repeatable = false;    ///< safe to repeat after an ambiguous attempt
    bool absent_means_done = false; ///< a delete: 404 after an ambiguous attempt is success
    bool token_endpoint = false;    ///< statuses mean what the token endpoint means by them
    request_scopes scopes{};        ///< empty: not counted against a rate budget
    std::size_t max_response_bytes = 0;
};

/// Runs `call` to its end: success once `reader` accepted a 2xx response, or the error of the
/// last attempt (outcome_unknown when a request that is not safe to repeat may have taken
/// effect). Diagnostics describe the last attempt, count the attempts and list the retries.
boost::asio::awaitable<error_code> perform_call(const call_context& ctx, const call_spec& call,
                                                response_reader& reader, operation_state& op);

struct call_resumption;

/// What a call carries from one attempt to the next.
struct call_progress {
    outgoing_request request;   ///< the call's, with the current token's credentials (v1)
    incoming_response response; ///< what the last attempt was answered
    std::shared_ptr<const access_token> token; ///< v1: the token the last attempt carried
    bool token_refreshed = false;              ///< a 401 already had the token replaced
    unsigned failed_attempts = 0;
    unsigned retries = 0;
};

/// A call the pipeline drives by hand, as perform_call would, while nothing has to wait: the
/// common call (credentials at hand, room in the budget, a kept-alive connection, a 2xx) runs
/// as plain functions on the client's strand and its connection's, without a coroutine frame
/// or a spawn. Whatever has to wait (a token refresh, a connect, the budget, a retry's pause)
/// hands the call, as far as it got, to perform_call's coroutine. Used only on the strand;
/// owned by a shared_ptr (operation_state's).
class driven_call : public operation_state, public response_reader, public exchange_waiter {
public:
    /// Sets the request it sends from spec(); call once the derived class has built it.
    void prepare() { progress_.request = spec().request; }

    /// Runs the call; ended() is called once, on the strand, with its result (a value, on
    /// success, was taken by read()). Call on the strand.
    void drive();

    void exchanged(const exchange_outcome& outcome) final;

protected:
    /// Closes the connection of an exchange that never ended (its io_context was destroyed
    /// first). The derived class calls this first thing in its destructor, while the pool it
    /// belongs to is certainly still alive.
    void drop_connection() { lent_.reset(); }

    virtual const call_context& context() const = 0;
    virtual const call_spec& spec() const = 0;
    virtual const boost::asio::any_io_executor& strand() const = 0; ///< the client's
    virtual void ended(error_code ec) = 0;

private:
    void attempt(connection_pool::lease conn);
    void hand_over(call_resumption from);

    call_progress progress_;
    connection_pool::lease lent_; ///< the connection the attempt in flight runs on
    exchange_options options_;
};

} // namespace didit::detail
