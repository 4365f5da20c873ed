#pragma once
// The state every operation of one client shares: configuration, TLS context, connection
// pools and the token cache, all used from one strand.

#include "connection_pool.hpp"
#include "origin.hpp"
#include "token_source.hpp"

#include <didit/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace didit::detail {

class client_impl {
public:
    /// Validates `cfg` (throws config_error) and wires pools and the token source.
    static std::shared_ptr<client_impl> create(boost::asio::any_io_executor executor, config cfg);

    client_impl(boost::asio::any_io_executor executor, config cfg, origin api, origin auth);

    // Counters first: the pools and the token source below keep pointers to them.
    std::atomic<std::uint64_t> token_requests{0};
    std::atomic<std::uint64_t> connections_opened{0};

    boost::asio::any_io_executor executor; ///< the user's executor: default for handlers
    boost::asio::any_io_executor strand;   ///< guards everything below
    const config cfg;
    boost::asio::ssl::context tls;
    connection_pool api_pool;
    std::unique_ptr<connection_pool> separate_auth_pool; ///< null when auth and API share a server
    token_source tokens;
    const std::string create_session_target;

    connection_pool& auth_pool() { return separate_auth_pool ? *separate_auth_pool : api_pool; }

    void close_idle_connections() {
        api_pool.close_idle();
        if (separate_auth_pool)
            separate_auth_pool->close_idle();
    }
};

} // namespace didit::detail
