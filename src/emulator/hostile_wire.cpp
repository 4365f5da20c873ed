#include "hostile_wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>

#include <sstream>
#include <string>

namespace didit::emulator::detail {

namespace asio = boost::asio;
using kind = fault::kind;

namespace {

constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view body = R"({"session_id":"hostile"})";

/// Writes `bytes`; false once the client is gone.
asio::awaitable<bool> send(tls_stream& stream, std::string_view bytes) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes), tuple);
    co_return !ec;
}

asio::awaitable<void> pause(std::chrono::milliseconds how_long) {
    asio::steady_timer timer{co_await asio::this_coro::executor, how_long};
    co_await timer.async_wait(tuple);
}

/// Sends `bytes` one at a time, then keeps sending spaces of a never-ending header value.
asio::awaitable<void> trickle(tls_stream& stream, std::string_view bytes) {
    for (std::size_t i = 0;; ++i) {
        auto next = i < bytes.size() ? bytes.substr(i, 1) : std::string_view{"a"};
        if (!co_await send(stream, next))
            co_return;
        co_await pause(std::chrono::milliseconds{20});
    }
}

std::string many_fields() {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 10'000; ++i)
        head += "X-Field-" + std::to_string(i) + ": v\r\n";
    return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string{body};
}

} // namespace

bool is_hostile(kind what) {
    switch (what) {
    case kind::trickle_headers:
    case kind::endless_chunked_body:
    case kind::many_header_fields:
    case kind::oversized_header_line:
    case kind::oversized_content_length:
    case kind::unsized_http10_body:
    case kind::bad_chunk_size:
        return true;
    default:
        return false;
    }
}

asio::awaitable<void> write_hostile(tls_stream& stream, const fault& f) {
    switch (f.what) {
    case kind::trickle_headers:
        co_await trickle(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ");
        co_return;
    case kind::endless_chunked_body: {
        if (!co_await send(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n"))
            co_return;
        std::string chunk = "2000\r\n" + std::string(0x2000, ' ') + "\r\n";
        while (co_await send(stream, chunk)) {
        }
        co_return;
    }
    case kind::many_header_fields:
        co_await send(stream, many_fields());
        co_return;
    case kind::oversized_header_line:
        co_await send(stream, "HTTP/1.1 200 OK\r\nX-Long: " + std::string(64 * 1024, 'x') +
                                  "\r\nContent-Length: 2\r\n\r\n{}");
        co_return;
    case kind::oversized_content_length:
        if (!co_await send(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 1099511627776\r\n\r\n"))
            co_return;
        co_await trickle(stream, "{\"session_id\":");
        co_return;
    case kind::unsized_http10_body:
        if (!co_await send(stream, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" +
                                       std::string{body}))
            co_return;
        // The body ends when the connection closes, which this server never does.
        for (;;)
            co_await pause(std::chrono::seconds{1});
    case kind::bad_chunk_size:
        co_await send(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        co_return;
    default:
        co_return;
    }
}

asio::awaitable<bool> write_early_hints(tls_stream& stream) {
    co_return co_await send(stream, "HTTP/1.1 103 Early Hints\r\n"
                                    "Link: </static/verify.css>; rel=preload; as=style\r\n\r\n");
}

asio::awaitable<bool> write_reshaped(tls_stream& stream, const http_response& response,
                                     fault::kind what) {
    if (what == kind::folded_header) {
        std::ostringstream text;
        text << response;
        auto wire = text.str();
        wire.insert(wire.find("\r\n") + 2, "X-Trace: emulator\r\n  folded-continuation\r\n");
        co_return co_await send(stream, wire) && response.keep_alive();
    }
    // close_delimited_body: HTTP/1.1 without a length, ended by close_notify and the close.
    std::string wire =
        "HTTP/1.1 " + std::to_string(response.result_int()) + " " + std::string{response.reason()} +
        "\r\nContent-Type: " + std::string{response[boost::beast::http::field::content_type]} +
        "\r\nConnection: close\r\n\r\n" + response.body();
    if (co_await send(stream, wire))
        co_await stream.async_shutdown(tuple);
    co_return false;
}

asio::awaitable<void> write_alert(tls_stream& stream) {
    // Level fatal (2), description internal_error (80), in a record of its own beside TLS.
    constexpr unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50};
    co_await asio::async_write(stream.next_layer(), asio::buffer(alert), tuple);
}

} // namespace didit::emulator::detail
