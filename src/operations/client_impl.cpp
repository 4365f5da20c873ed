#include "operations/client_impl.hpp"

#include "operations/token_fetch.hpp"
#include "resilience/fleet_backend.hpp"
#include "resilience/local_rate_budget.hpp"
#include "transport/tls.hpp"
#include "wire/proxy.hpp"
#include "wire/v1_codec.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace didit::detail {

namespace {

pool_settings settings_for(const config& cfg, std::atomic<std::uint64_t>& opened) {
    return {&opened,
            cfg.max_connections_per_origin,
            cfg.idle_timeout,
            cfg.idle_buffer_release,
            cfg.connect_timeout,
            cfg.handshake_timeout,
            cfg.observer.get(),
            cfg.keep_alive};
}

/// The proxy between the client and `server`, unless config.no_proxy exempts it.
std::optional<proxy_route> proxy_for(const config& cfg, const origin& server) {
    if (cfg.proxy.empty() || bypasses_proxy(cfg.no_proxy, server.host, server.port))
        return std::nullopt;
    return *parse_proxy(cfg.proxy); // validate() checked it
}

std::string api_key_credentials_for(const config& cfg) {
    if (cfg.generation() != api_generation::v3)
        return {};
    return "x-api-key: " + cfg.api_key + "\r\n";
}

/// The fleet's shared budget when config.fleet names one, else this process's own; none when
/// rate limits are off.
std::unique_ptr<rate_budget> make_budget(const config& cfg,
                                         const boost::asio::any_io_executor& strand,
                                         boost::asio::ssl::context& tls) {
    if (!cfg.rate_limits.enabled)
        return nullptr;
    if (!cfg.fleet.redis_url.empty())
        return cfg.fleet.backend->make_budget({strand, cfg, tls, cfg.observer.get()});
    return std::make_unique<local_rate_budget>(cfg.rate_limits);
}

/// The io_context that runs `executor`: its own executor or a strand of it. Connections are
/// strands of it by type (transport/connection.hpp).
boost::asio::io_context& io_context_of(const boost::asio::any_io_executor& executor) {
    using io_executor = boost::asio::io_context::executor_type;
    if (const auto* io = executor.target<io_executor>())
        return io->context();
    if (const auto* strand = executor.target<boost::asio::strand<io_executor>>())
        return strand->get_inner_executor().context();
    throw config_error("didit::client: executor must be a boost::asio::io_context's "
                       "(io_context::get_executor() or a strand of it)");
}

} // namespace

std::shared_ptr<client_impl> client_impl::create(boost::asio::any_io_executor executor,
                                                 config cfg) {
    cfg.validate();
    auto& io = io_context_of(executor);
    auto api = *parse_origin(cfg.api_url); // validate() checked both URLs
    auto auth = *parse_origin(cfg.auth_url);
    return std::make_shared<client_impl>(std::move(executor), io, std::move(cfg), std::move(api),
                                         std::move(auth));
}

client_impl::client_impl(boost::asio::any_io_executor executor, boost::asio::io_context& io,
                         config config_, origin api, origin auth)
    : executor(executor), strand(boost::asio::make_strand(io)), cfg(std::move(config_)),
      generation(cfg.generation()), api_prefix(api.path_prefix), tls(make_client_tls_context(cfg)),
      operations(std::make_shared<operation_registry>(strand)),
      budget(make_budget(cfg, strand, tls)),
      api_pool(strand, io, api, tls, settings_for(cfg, connections_opened), proxy_for(cfg, api)),
      api_key_credentials(api_key_credentials_for(cfg)) {
    if (generation != api_generation::v1)
        return;
    if (!auth.same_server(api))
        separate_auth_pool = std::make_unique<connection_pool>(
            strand, io, auth, tls, settings_for(cfg, connections_opened), proxy_for(cfg, auth));
    auto& token_pool = separate_auth_pool ? *separate_auth_pool : api_pool;
    tokens = std::make_unique<token_source>(
        strand,
        make_token_fetch(strand, token_pool,
                         token_endpoint{auth.path_prefix + "/auth/v2/token/",
                                        basic_credentials(cfg.client_id, cfg.client_secret),
                                        cfg.token_timeout, cfg.max_response_bytes, &token_requests,
                                        cfg.observer.get()},
                         cfg.retry, counters, jitter, *operations),
        cfg.observer.get());
}

} // namespace didit::detail
