#include "transport/exchange.hpp"

#include "transport/connection_work.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

namespace didit::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;

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

/// The request's pieces in order, each handed to `piece`: literals as arrays, whose sizes
/// are known when compiled, so that measuring and copying them cost a few moves each.
template <class Piece>
void request_pieces(Piece&& piece, std::string_view host, const outgoing_request& request,
                    bool last, std::string_view length) {
    piece(request.method);
    piece(" ");
    piece(request.target);
    piece(" HTTP/1.1\r\nHost: ");
    piece(host);
    piece("\r\nUser-Agent: didit-cpp/0.1\r\nAccept: ");
    piece(request.accept);
    piece("\r\n");
    piece(request.credentials);
    piece(request.headers);
    if (last)
        piece("Connection: close\r\n");
    if (!request.content_type.empty()) {
        piece("Content-Type: ");
        piece(request.content_type);
        piece("\r\n");
    }
    if (!length.empty()) {
        piece("Content-Length: ");
        piece(length);
        piece("\r\n");
    }
    piece("\r\n");
    piece(request.body);
}

template <std::size_t N> constexpr std::size_t size_of(const char (&)[N]) {
    return N - 1;
}
std::size_t size_of(std::string_view piece) {
    return piece.size();
}

template <std::size_t N> char* put(char* at, const char (&literal)[N]) {
    std::memcpy(at, literal, N - 1);
    return at + N - 1;
}
char* put(char* at, std::string_view piece) {
    if (!piece.empty()) // an empty view may hold no pointer, which memcpy must not see
        std::memcpy(at, piece.data(), piece.size());
    return at + piece.size();
}

} // namespace

void format_request(std::string& out, std::string_view host, const outgoing_request& request,
                    bool last) {
    char digits[24];
    std::string_view length; // none for a request without a body that is not a POST or PATCH
    std::uint64_t body_size = request.form ? request.form->length : request.body.size();
    if (body_size != 0 || request.method == "POST" || request.method == "PATCH")
        length = {digits,
                  static_cast<std::size_t>(
                      std::to_chars(std::begin(digits), std::end(digits), body_size).ptr - digits)};
    // Measured first and copied once into a buffer sized for all of it: the request is rebuilt
    // per attempt, and appending piece by piece cost a capacity check each.
    std::size_t size = 0;
    request_pieces([&](const auto& piece) { size += size_of(piece); }, host, request, last, length);
    out.resize(size);
    char* at = out.data();
    request_pieces([&](const auto& piece) { at = put(at, piece); }, host, request, last, length);
}

namespace {

constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable_t<connection_executor>{});

/// 1xx answers (100 Continue, 103 Early Hints) come before the final one; 101 would switch
/// protocols, which the client never asks for, so it is final (and unexpected).
bool is_interim(unsigned status) {
    return status >= 100 && status < 200 && status != 101;
}

/// Why a form's body stopped half sent; set by send_form().
struct form_problem {
    std::string message;
};

/// A form's segments after the request head: text as it is, each file a piece at a time
/// (never whole in memory). A file that cannot be read, or is no longer the size the head
/// announced, stops the request half sent (no server acts on it) with `problem` set.
connection_work<error_code> send_form(connection& conn, const encoded_form& form,
                                      std::optional<form_problem>& problem) {
    std::vector<char> piece;
    for (const auto& segment : form.segments) {
        auto [ec, written] =
            co_await asio::async_write(conn.stream, asio::buffer(segment.text), as_tuple);
        if (ec)
            co_return ec;
        if (segment.file.empty())
            continue;
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(segment.file.c_str(), "rb"),
                                                             &std::fclose};
        bool whole = file != nullptr;
        piece.resize(64 * 1024);
        for (auto left = segment.file_size; whole && left > 0;) {
            auto got = std::fread(piece.data(), 1, std::min<std::uint64_t>(left, piece.size()),
                                  file.get());
            if (got == 0) {
                whole = false; // shorter than announced
                break;
            }
            left -= got;
            std::tie(ec, written) =
                co_await asio::async_write(conn.stream, asio::buffer(piece.data(), got), as_tuple);
            if (ec)
                co_return ec;
        }
        if (whole && std::fgetc(file.get()) != EOF)
            whole = false; // longer than announced
        if (!whole) {
            problem = form_problem{"the file for field '" + segment.field +
                                   "' could not be read, or changed size, while it was sent"};
            co_return error::invalid_request;
        }
    }
    co_return error_code{};
}

/// On the connection's strand: write the request, read the final response, read a 2xx on.
connection_work<exchange_outcome> transfer(connection& conn, std::string_view host, bool last,
                                           const outgoing_request& request,
                                           const exchange_options& options,
                                           incoming_response& response, io_claim& op) {
    running_on here{op, conn};
    auto& diag = op.diag;
    conn.exchanged = true;
    format_request(conn.write_buffer, host, request, last);
    conn.limit_phase(options.attempt_timeout);
    auto [ec, written] =
        co_await asio::async_write(conn.stream, asio::buffer(conn.write_buffer), as_tuple);
    std::optional<form_problem> unsendable;
    if (!ec && request.form != nullptr)
        ec = co_await send_form(conn, *request.form, unsendable);
    if (unsendable) { // the caller closes the connection, with our request half sent
        diag.message = std::move(unsendable->message);
        co_return exchange_outcome{.facts = {.failure = ec, .sent = false, .permanent = true}};
    }
    std::optional<response_fields_parser> parser;
    while (!ec) {
        parser.emplace(response, options.max_response_bytes, options.read_rate_headers);
        std::tie(ec, std::ignore) =
            co_await http::async_read(conn.stream, conn.read_buffer, *parser, as_tuple);
        if (ec || !is_interim(response.status))
            break;
    }
    conn.limit_phase({});
    if (conn.aborted)
        ec = asio::error::operation_aborted; // whatever the closed socket made of it

    exchange_outcome outcome{.facts = {.sent = true}};
    if (ec) { // the caller closes the connection: a broken exchange leaves it unusable
        outcome.facts.failure = describe_io_failure(ec, options.attempt_timeout, diag);
        if (outcome.facts.failure == error::response_too_large && parser &&
            parser->is_header_done()) {
            // An answer too big for us: what it said is known, what it carried is not, and
            // asking again would bring the same.
            outcome.facts.status = response.status;
            outcome.facts.unreadable = true;
            outcome.facts.permanent = true;
        }
        co_return outcome;
    }
    outcome.keep_alive = !last && parser->keep_alive();
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

asio::awaitable<exchange_outcome> exchange(connection& conn, std::string_view host, bool last,
                                           const outgoing_request& request,
                                           const exchange_options& options,
                                           incoming_response& response, io_claim& op) {
    return on_connection_strand(conn, transfer(conn, host, last, request, options, response, op));
}

} // namespace didit::detail
