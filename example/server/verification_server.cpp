#include "verification_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace example {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using request = verification_server::request;
using response = verification_server::response;

namespace {

constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view verifications = "/verifications";

response answer(const request& to, http::status status, const json::object& body) {
    response out{status, to.version()};
    out.set(http::field::content_type, "application/json");
    out.keep_alive(to.keep_alive());
    out.body() = json::serialize(body);
    out.prepare_payload();
    return out;
}

/// A user id we are willing to use as vendor_data and in a path: short and plain.
bool plain_id(std::string_view id) {
    if (id.empty() || id.size() > 128)
        return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

} // namespace

verification_server::verification_server(asio::io_context& io, didit::client& client,
                                         server_settings settings)
    : io_(io), client_(client), settings_(std::move(settings)),
      acceptor_(asio::make_strand(io),
                {asio::ip::make_address(settings_.address), settings_.port}) {
    port_ = acceptor_.local_endpoint().port();
    // On the acceptor's strand, so that stop() never races the loop.
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void verification_server::stop() {
    asio::post(acceptor_.get_executor(), [this] { acceptor_.close(); });
}

asio::awaitable<void> verification_server::accept_loop() {
    for (;;) {
        // Each connection gets a strand: its handlers never run concurrently, while
        // connections proceed in parallel on the io_context's threads.
        auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), tuple);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            co_return;
        if (!ec)
            asio::co_spawn(socket.get_executor(), serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> verification_server::serve(tcp::socket socket) {
    beast::tcp_stream stream{std::move(socket)};
    beast::flat_buffer buffer;
    for (;;) {
        stream.expires_after(std::chrono::seconds{60});
        http::request_parser<http::string_body> parser;
        parser.body_limit(1024 * 1024);
        auto [read_ec, n] = co_await http::async_read(stream, buffer, parser, tuple);
        if (read_ec)
            break;
        auto out = co_await dispatch(parser.get());
        auto [write_ec, written] = co_await http::async_write(stream, out, tuple);
        if (write_ec || !out.keep_alive())
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<response> verification_server::dispatch(const request& in) {
    std::string_view target = in.target();
    if (in.method() == http::verb::post && target == verifications)
        co_return co_await start_verification(in);
    if (in.method() == http::verb::post && target == "/webhooks/didit")
        co_return receive_webhook(in);
    if (in.method() == http::verb::get && target.starts_with(verifications) &&
        target.size() > verifications.size() + 1 && target[verifications.size()] == '/')
        co_return report_status(in, target.substr(verifications.size() + 1));
    if (in.method() == http::verb::get && target == "/metrics" && settings_.metrics)
        co_return report_metrics(in);
    co_return answer(in, http::status::not_found, {{"error", "no such endpoint"}});
}

asio::awaitable<response> verification_server::start_verification(const request& in) {
    boost::system::error_code parse_ec;
    auto body = json::parse(in.body(), parse_ec);
    const auto* user = body.is_object() ? body.as_object().if_contains("user_id") : nullptr;
    if (parse_ec || user == nullptr || !user->is_string() || !plain_id(user->get_string()))
        co_return answer(in, http::status::bad_request,
                         {{"error", "send {\"user_id\": \"...\"} with a plain id"}});
    std::string user_id{user->get_string()};
    didit::diagnostics diag;
    std::tuple<didit::error_code, didit::session> created;
    if (client_.generation() == didit::api_generation::v3)
        created = co_await client_.create_workflow_session({.workflow_id = settings_.workflow_id,
                                                            .vendor_data = user_id,
                                                            .callback = settings_.callback_url},
                                                           diag, tuple);
    else
        created = co_await client_.create_session(
            {.callback = settings_.callback_url, .vendor_data = user_id}, diag, tuple);
    auto& [ec, session] = created;
    if (ec)
        co_return answer(in, http::status::bad_gateway, {{"error", didit::error_name(ec)}});
    registry_.started(user_id, session.session_id);
    co_return answer(
        in, http::status::created,
        {{"user_id", user_id}, {"session_id", session.session_id}, {"url", session.url}});
}

response verification_server::receive_webhook(const request& in) {
    didit::webhook_headers headers{in["X-Signature"], in["X-Signature-V2"],
                                   in["X-Signature-Simple"], in["X-Timestamp"]};
    auto event = didit::verify_webhook(in.body(), headers, settings_.webhook_secret,
                                       std::chrono::system_clock::now());
    if (!event) {
        auto kind = static_cast<didit::webhook_error>(event.error().value());
        auto status = kind == didit::webhook_error::malformed_body ? http::status::bad_request
                                                                   : http::status::unauthorized;
        return answer(in, status, {{"error", didit::to_string(kind)}});
    }
    if (!replays_.first_time(event->event_id)) {
        ++duplicates_; // handled already: acknowledge so that it is not retried
        return answer(in, http::status::ok, {{"duplicate", true}});
    }
    if (event->vendor_data)
        registry_.reported(*event->vendor_data, event->session_id, event->status.text);
    return answer(in, http::status::ok, {{"received", true}});
}

response verification_server::report_status(const request& in, std::string_view user) const {
    auto found = plain_id(user) ? registry_.latest(user) : std::nullopt;
    if (!found)
        return answer(in, http::status::not_found, {{"error", "no verification"}});
    return answer(
        in, http::status::ok,
        {{"user_id", user}, {"session_id", found->session_id}, {"status", found->status}});
}

response verification_server::report_metrics(const request& in) const {
    response out{http::status::ok, in.version()};
    out.set(http::field::content_type, "text/plain; version=0.0.4");
    out.keep_alive(in.keep_alive());
    out.body() = settings_.metrics->prometheus_text();
    out.prepare_payload();
    return out;
}

} // namespace example
