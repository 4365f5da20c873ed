#include "transport/exchange.hpp"

#include "transport/connection_work.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
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

/// The failure of a write or read after the request may have left.
error_code describe_io_failure(error_code ec, clock::duration attempt_timeout, diagnostics& diag) {
    if (ec == asio::error::operation_aborted)
        return ec;
    if (ec == boost::beast::error::timeout) {
        diag.message =
            "the attempt did not complete within retry.attempt_timeout (" +
            std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(attempt_timeout).count()) +
            " ms)";
        return error::request_timeout;
    }
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
    return error::connection_lost;
}

} // namespace

void format_request(std::string& out, std::string_view host, const outgoing_request& request,
                    bool last) {
    char length[24];
    auto length_end = std::to_chars(std::begin(length), std::end(length), request.body.size()).ptr;
    out.clear();
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\nHost: ");
    out.append(host).append("\r\nUser-Agent: didit-cpp/0.1\r\nAccept: ");
    out.append(request.accept).append("\r\n");
    out.append(request.credentials);
    if (last)
        out.append("Connection: close\r\n");
    if (!request.content_type.empty())
        out.append("Content-Type: ").append(request.content_type).append("\r\n");
    if (!request.body.empty() || request.method == "POST" || request.method == "PATCH")
        out.append("Content-Length: ").append(length, length_end).append("\r\n");
    out.append("\r\n").append(request.body);
}

namespace {

struct transfer_outcome {
    attempt_facts facts;
    bool keep_alive = false; ///< the connection may carry another request
};

/// The exchange's I/O, on the connection's strand: write, read, parse, and read a 2xx on.
asio::awaitable<transfer_outcome> transfer(connection& conn, std::string_view host, bool last,
                                           const outgoing_request& request,
                                           const exchange_options& options,
                                           incoming_response& response, operation_state& op) {
    running_on here{op, conn};
    auto& diag = op.diag;
    auto& tcp = conn.stream.next_layer();
    format_request(conn.write_buffer, host, request, last);
    if (options.attempt_timeout.count() > 0)
        tcp.expires_after(options.attempt_timeout);
    auto [write_ec, written] = co_await asio::async_write(
        conn.stream, asio::buffer(conn.write_buffer), as_tuple(use_awaitable));
    response_parser parser;
    limit_response(parser, options.max_response_bytes);
    error_code ec = write_ec;
    if (!ec) {
        auto [read_ec, read] = co_await http::async_read(conn.stream, conn.read_buffer, parser,
                                                         as_tuple(use_awaitable));
        ec = read_ec;
    }
    if (conn.aborted)
        ec = asio::error::operation_aborted; // whatever the closed socket made of it
    if (ec) { // the connection is closed by the caller: a broken exchange leaves it unusable
        attempt_facts facts{.failure = describe_io_failure(ec, options.attempt_timeout, diag),
                            .sent = true};
        if (facts.failure == error::response_too_large && parser.is_header_done()) {
            // An answer too big for us: what it said is known, what it carried is not, and
            // asking again would bring the same.
            facts.status = parser.get().result_int();
            facts.unreadable = true;
            facts.permanent = true;
        }
        co_return transfer_outcome{facts};
    }
    if (options.attempt_timeout.count() > 0)
        tcp.expires_never();

    transfer_outcome outcome{.facts = {.sent = true},
                             .keep_alive = !last && parser.get().keep_alive()};
    take_response(parser, options.read_rate_headers, response);
    ++conn.exchanges;
    outcome.facts.status = response.status;
    if (response.status >= 200 && response.status < 300) {
        diag.http_status = static_cast<int>(response.status);
        if (auto refused = options.reader->read(response, diag)) {
            outcome.facts.failure = refused;
            outcome.facts.unreadable = true;
        }
    }
    co_return outcome;
}

} // namespace

asio::awaitable<attempt_facts> exchange(connection_pool::lease conn,
                                        const outgoing_request& request,
                                        const exchange_options& options,
                                        incoming_response& response, operation_state& op) {
    op.diag.request_sent = true;
    op.in_flight = true;
    auto outcome =
        co_await on_connection_strand(*conn, op,
                                      transfer(*conn, conn.pool_server().host_header,
                                               !conn.reusable(), request, options, response, op));
    if (outcome.keep_alive)
        conn.keep_alive(); // else `conn` is closed on the way out
    co_return outcome.facts;
}

} // namespace didit::detail
