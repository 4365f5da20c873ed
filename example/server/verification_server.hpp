#pragma once
// An HTTP service that embeds one didit::client, as a user's backend would:
//
//   POST /verifications        {"user_id": "..."}  -> 201 {"user_id", "session_id", "url"}
//   POST /webhooks/didit       Didit's webhook     -> 200, or 401/400 when refused
//   GET  /verifications/{user}                     -> 200 {"user_id", "session_id", "status"}
//   GET  /metrics                                  -> 200 the client's metrics, for Prometheus
//
// Every connection runs on its own strand of the io_context, which may have many threads; the
// client is shared by all of them.

#include "verification_registry.hpp"

#include <didit/didit.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace example {

struct server_settings {
    std::string address = "127.0.0.1";
    unsigned short port = 0;    ///< 0: any free port
    std::string webhook_secret; ///< the application's webhook secret key
    std::string workflow_id;    ///< v3 clients: the workflow sessions are created for
    std::string callback_url = "https://example.com/verified";
    /// The metrics the client reports to (its config.observer); GET /metrics serves them.
    std::shared_ptr<didit::metrics> metrics{};
};

class verification_server {
public:
    /// Listens at once; serves once the io_context runs.
    verification_server(boost::asio::io_context& io, didit::client& client,
                        server_settings settings);

    unsigned short port() const { return port_; }
    /// Stops accepting; open connections end after their current request.
    void stop();

    const verification_registry& registry() const { return registry_; }
    std::uint64_t duplicate_webhooks() const { return duplicates_.load(); }

    using request = boost::beast::http::request<boost::beast::http::string_body>;
    using response = boost::beast::http::response<boost::beast::http::string_body>;

private:
    boost::asio::awaitable<void> accept_loop();
    /// One connection: requests answered in order, kept alive while the client wants.
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<response> dispatch(const request& in);

    /// POST /verifications: a session for the user, and where to send them.
    boost::asio::awaitable<response> start_verification(const request& in);
    /// POST /webhooks/didit: only verified, first-seen deliveries change a status.
    response receive_webhook(const request& in);
    /// GET /verifications/{user}.
    response report_status(const request& in, std::string_view user) const;
    /// GET /metrics.
    response report_metrics(const request& in) const;

    boost::asio::io_context& io_;
    didit::client& client_;
    server_settings settings_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    verification_registry registry_;
    didit::webhook_replay_guard replays_;
    std::atomic<std::uint64_t> duplicates_{0};
};

} // namespace example
