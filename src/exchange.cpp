#include "exchange.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <charconv>

namespace didit::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

constexpr std::size_t max_header_bytes = 16 * 1024;

/// The error for a failed write or read, once the request may have left.
error_code classify_exchange_failure(error_code ec, bool repeatable, diagnostics& diag) {
    if (ec == asio::error::operation_aborted)
        return ec;
    if (ec == http::error::body_limit || ec == http::error::header_limit ||
        ec == http::error::buffer_overflow) {
        diag.message = "the response exceeds the size limit";
        return error::response_too_large;
    }
    if (ec.category() == make_error_code(http::error::end_of_stream).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
        diag.message = "the response is not valid HTTP: " + ec.message();
        return error::invalid_response;
    }
    diag.message = "the connection broke before the response was complete: " + ec.message();
    return repeatable ? error_code{error::connection_lost} : error_code{error::outcome_unknown};
}

} // namespace

void format_request(std::string& out, std::string_view host, const outgoing_request& request) {
    char length[24];
    auto length_end = std::to_chars(std::begin(length), std::end(length), request.body.size()).ptr;
    out.clear();
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\nHost: ");
    out.append(host).append("\r\nUser-Agent: didit-cpp/0.1\r\nAccept: application/json\r\n");
    out.append(request.credentials);
    if (!request.content_type.empty())
        out.append("Content-Type: ").append(request.content_type).append("\r\n");
    if (!request.body.empty() || request.method == "POST" || request.method == "PATCH")
        out.append("Content-Length: ").append(length, length_end).append("\r\n");
    out.append("\r\n").append(request.body);
}

/// Marks the connection as the operation's current I/O for as long as it is in scope.
class io_scope {
public:
    io_scope(operation_state& op, connection& conn) : op_(op) { op_.in_io = &conn; }
    io_scope(const io_scope&) = delete;
    io_scope& operator=(const io_scope&) = delete;
    ~io_scope() { op_.in_io = nullptr; }

private:
    operation_state& op_;
};

asio::awaitable<error_code> exchange(connection_pool& pool, const outgoing_request& request,
                                     std::size_t max_response_bytes, incoming_response& response,
                                     operation_state& op) {
    auto& diag = op.diag;
    for (bool first_attempt = true;; first_attempt = false) {
        auto conn = pool.try_acquire(); // the common case needs no coroutine frame
        if (!conn) {
            auto acquired = co_await pool.acquire();
            if (acquired.first)
                co_return acquired.first;
            conn = std::move(acquired.second);
        }
        io_scope in_io{op, *conn};
        bool reused = conn->established;
        if (!reused) {
            auto ec = co_await pool.establish(*conn, diag);
            if (ec)
                co_return ec;
        }

        format_request(conn->write_buffer, pool.server().host_header, request);
        diag.request_sent = true;
        auto [write_ec, written] = co_await asio::async_write(
            conn->stream, asio::buffer(conn->write_buffer), as_tuple(use_awaitable));
        http::response_parser<http::string_body> parser;
        parser.header_limit(max_header_bytes);
        parser.body_limit(max_response_bytes);
        error_code ec = write_ec;
        if (!ec) {
            auto [read_ec, read] = co_await http::async_read(conn->stream, conn->read_buffer,
                                                             parser, as_tuple(use_awaitable));
            ec = read_ec;
        }
        if (ec) {
            // A reused connection that broke before any response byte most likely timed out
            // on the server's side; for a repeatable request, one fresh try is safe.
            bool nothing_received = write_ec || !parser.got_some();
            if (reused && nothing_received && request.repeatable && first_attempt &&
                ec != asio::error::operation_aborted) {
                diag.request_sent = false;
                continue;
            }
            co_return classify_exchange_failure(ec, request.repeatable, diag);
        }

        auto& message = parser.get();
        response.status = message.result_int();
        response.retry_after = message[http::field::retry_after];
        response.content_type = message[http::field::content_type];
        response.content_disposition = message[http::field::content_disposition];
        bool keep_alive = message.keep_alive();
        response.body = std::move(message.body());
        ++conn->exchanges;
        if (keep_alive)
            conn.keep_alive();
        co_return error_code{};
    }
}

} // namespace didit::detail
