#include "webhook_sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace didit::emulator::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

/// The service retries an endpoint that failed or answered 5xx or 404; anything else is final.
bool worth_retrying(unsigned status) {
    return status == 0 || status == 404 || status >= 500;
}

} // namespace

void webhook_sender::send(signed_delivery delivery) {
    if (settings_.url.empty())
        return;
    auto& queue = queues_[delivery.session_id];
    queue.push_back(std::move(delivery));
    if (queue.size() == 1)
        asio::co_spawn(io_, drain(queue.front().session_id), asio::detached);
}

asio::awaitable<void> webhook_sender::drain(std::string session_id) {
    auto& queue = queues_[session_id]; // stable: unordered_map keeps element addresses
    while (!queue.empty()) {
        auto delay = settings_.retry_delay;
        for (unsigned attempt = 1;; ++attempt) {
            ++attempts;
            auto status = co_await post(queue.front());
            if (!worth_retrying(status)) {
                ++delivered;
                break;
            }
            if (attempt >= settings_.attempts) {
                ++abandoned;
                break;
            }
            asio::steady_timer wait{io_, delay};
            co_await wait.async_wait(tuple);
            delay *= 2;
        }
        queue.pop_front();
    }
    queues_.erase(session_id);
}

namespace {

http::request<http::string_body> delivery_request(const boost::urls::url_view& url,
                                                  const signed_delivery& delivery) {
    http::request<http::string_body> request{
        http::verb::post,
        url.encoded_target().empty() ? std::string{"/"} : std::string{url.encoded_target()}, 11};
    request.set(http::field::host, url.encoded_host_and_port());
    request.set(http::field::user_agent, "DiditWebhook/2.0 +https://didit.me");
    request.set(http::field::content_type, "application/json");
    request.set("X-Signature", delivery.signature);
    if (!delivery.signature_v2.empty())
        request.set("X-Signature-V2", delivery.signature_v2);
    if (!delivery.signature_simple.empty())
        request.set("X-Signature-Simple", delivery.signature_simple);
    request.set("X-Timestamp", delivery.timestamp);
    request.keep_alive(false);
    request.body() = delivery.body;
    request.prepare_payload();
    return request;
}

/// Sends `request` on `stream` and reads the answer's status; 0 when none came.
template <class Stream>
asio::awaitable<unsigned> post_and_read(Stream& stream,
                                        const http::request<http::string_body>& request) {
    auto [write_ec, written] = co_await http::async_write(stream, request, tuple);
    if (write_ec)
        co_return 0;
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    auto [read_ec, read] = co_await http::async_read(stream, buffer, response, tuple);
    co_return read_ec ? 0u : response.result_int();
}

} // namespace

asio::awaitable<unsigned> webhook_sender::post(const signed_delivery& delivery) {
    auto url = boost::urls::parse_uri(settings_.url);
    bool https = url && url->scheme_id() == boost::urls::scheme::https;
    if (!url || (!https && url->scheme_id() != boost::urls::scheme::http))
        co_return 0;
    tcp::resolver resolver{io_};
    auto port = url->has_port() ? std::string{url->port()} : std::string{https ? "443" : "80"};
    auto host = std::string{url->host()};
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, tuple);
    if (resolve_ec)
        co_return 0;
    beast::tcp_stream tcp_stream{io_};
    tcp_stream.expires_after(std::chrono::seconds{10});
    auto [connect_ec, ignored] = co_await tcp_stream.async_connect(endpoints, tuple);
    if (connect_ec)
        co_return 0;
    auto request = delivery_request(*url, delivery);
    if (!https) {
        auto status = co_await post_and_read(tcp_stream, request);
        beast::error_code closing;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, closing);
        co_return status;
    }

    // As the service: the receiver's certificate must chain to a trusted one and name the host.
    asio::ssl::context tls{asio::ssl::context::tls_client};
    boost::system::error_code trust_ec;
    if (settings_.ca_pem.empty())
        tls.set_default_verify_paths(trust_ec);
    else
        tls.add_certificate_authority(asio::buffer(settings_.ca_pem), trust_ec);
    if (trust_ec)
        co_return 0;
    tls.set_verify_mode(asio::ssl::verify_peer);
    tls.set_verify_callback(asio::ssl::host_name_verification{host});
    beast::ssl_stream<beast::tcp_stream> stream{std::move(tcp_stream), tls};
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
        co_return 0;
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, tuple);
    if (handshake_ec)
        co_return 0;
    auto status = co_await post_and_read(stream, request);
    auto [shutdown_ec] = co_await stream.async_shutdown(tuple);
    (void)shutdown_ec; // the receiver may close without a close_notify; the answer is in
    co_return status;
}

} // namespace didit::emulator::detail
