#pragma once
// The state every operation of one client shares: configuration, TLS context, connection
// pools and the credentials (a token cache for v1, the API key for v3), all used from one
// strand.

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
#include <string_view>

namespace didit::detail {

class client_impl {
public:
    /// Validates `cfg` (throws config_error) and wires pools and credentials.
    static std::shared_ptr<client_impl> create(boost::asio::any_io_executor executor, config cfg);

    client_impl(boost::asio::any_io_executor executor, config cfg, origin api, origin auth);

    // Counters first: the pools and the token source below keep pointers to them.
    std::atomic<std::uint64_t> token_requests{0};
    std::atomic<std::uint64_t> connections_opened{0};

    boost::asio::any_io_executor executor; ///< the user's executor: default for handlers
    boost::asio::any_io_executor strand;   ///< guards everything below
    const config cfg;
    const api_generation generation;
    const std::string api_prefix; ///< path prefix of api_url, "" or "/prefix"
    boost::asio::ssl::context tls;
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

    void close_idle_connections() {
        api_pool.close_idle();
        if (separate_auth_pool)
            separate_auth_pool->close_idle();
    }
};

} // namespace didit::detail
