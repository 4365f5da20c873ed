#pragma once
// The state every operation of one client shares: configuration, TLS context, connection
// pools and the credentials (a token cache for v1, the API key for v3), all used from one
// strand.

#include "credentials/token_source.hpp"
#include "operations/call_pipeline.hpp"
#include "operations/operation.hpp"
#include "resilience/rate_budget.hpp"
#include "transport/connection_pool.hpp"
#include "wire/origin.hpp"

#include <didit/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace didit::detail {

class client_impl {
public:
    /// Validates `cfg` and `executor` (throws config_error) and wires pools and credentials.
    static std::shared_ptr<client_impl> create(boost::asio::any_io_executor executor, config cfg);

    client_impl(boost::asio::any_io_executor executor, boost::asio::io_context& io, config cfg,
                origin api, origin auth);

    // Counters first: the pools and the token source below keep pointers to them.
    std::atomic<std::uint64_t> token_requests{0};
    std::atomic<std::uint64_t> connections_opened{0};
    call_counters counters;

    boost::asio::any_io_executor executor; ///< the user's executor: default for handlers
    boost::asio::any_io_executor strand;   ///< guards everything below
    const config cfg;
    const api_generation generation;
    const std::string api_prefix; ///< path prefix of api_url, "" or "/prefix"
    boost::asio::ssl::context tls;
    jitter_source jitter; ///< used on the strand
    /// The calls in flight, for cancel_all(), and their deadlines.
    std::shared_ptr<operation_registry> operations;
    std::unique_ptr<rate_budget> budget; ///< null when config.rate_limits is off
    budget_line budget_waiters;
    connection_pool api_pool;
    std::unique_ptr<connection_pool> separate_auth_pool; ///< v1, when auth is another server
    std::unique_ptr<token_source> tokens;                ///< v1 only
    const std::string api_key_credentials;               ///< v3 only: "x-api-key: ...\r\n"

    /// api_prefix + path.
    std::string target(std::string_view path) const {
        std::string out;
        out.reserve(api_prefix.size() + path.size());
        return out.append(api_prefix).append(path);
    }

    /// What an API call of this client uses; `owner` is this client's shared state. `options`
    /// are the call's own (with_options); they must outlive the call.
    call_context api_context(std::shared_ptr<void> owner, const call_options& options = {}) {
        return {.pool = api_pool,
                .tokens = tokens.get(),
                .budget = budget.get(),
                .line = &budget_waiters,
                .policy = options.retry ? *options.retry : cfg.retry,
                .counters = counters,
                .jitter = jitter,
                .owner = std::move(owner),
                .watcher = cfg.observer.get()};
    }

    /// Stops every call in flight (token refreshes included) and closes idle connections.
    void cancel_all() {
        operations->stop_all();
        close_idle_connections();
    }

    void close_idle_connections() {
        api_pool.close_idle();
        if (separate_auth_pool)
            separate_auth_pool->close_idle();
    }
};

} // namespace didit::detail
