#include "transport/exchange.hpp"

#include "transport/strand_post.hpp"

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include <charconv>
#include <cstring>
#include <type_traits>

namespace didit::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
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
    if (!request.body.empty() || request.method == "POST" || request.method == "PATCH")
        length = {digits,
                  static_cast<std::size_t>(
                      std::to_chars(std::begin(digits), std::end(digits), request.body.size()).ptr -
                      digits)};
    // Measured first and copied once into a buffer sized for all of it: the request is rebuilt
    // per attempt, and appending piece by piece cost a capacity check each.
    std::size_t size = 0;
    request_pieces([&](const auto& piece) { size += size_of(piece); }, host, request, last, length);
    out.resize(size);
    char* at = out.data();
    request_pieces([&](const auto& piece) { at = put(at, piece); }, host, request, last, length);
}

namespace {

/// Past this, a response body's buffer is not kept for the connection's next exchange.
constexpr std::size_t max_kept_body_capacity = 64 * 1024;

/// The exchange's I/O, on the connection's strand: write the request, read and parse the
/// response into the connection's incoming_response, read a 2xx on, then resume the caller on
/// its own executor. Written by hand rather than as a coroutine or from Beast's composed
/// reads: it is the hot path, and this way it costs one handler moved from step to step and
/// no frame. The caller's frame owns everything referred to here and waits for the end.
///
/// The caller's cancellation slot is not forwarded: op.stop() aborts the connection's I/O
/// instead (which also ends a step started after the stop), and that ends here as
/// operation_aborted.
///
/// `Strand` is the type the connection's strand really has when it is known (io_strand), so
/// that each socket operation completes onto it directly rather than through any_io_executor.
template <class Handler, class Strand> class transfer_op {
public:
    using executor_type = Strand;
    executor_type get_executor() const noexcept {
        if constexpr (std::is_same_v<Strand, asio::any_io_executor>)
            return conn_->strand;
        else
            return *conn_->strand.target<Strand>(); // launch() checked that it holds one
    }
    using allocator_type = handler_allocator<void, exchange_memory>;
    allocator_type get_allocator() const noexcept {
        return allocator_type{conn_->exchange_handlers};
    }
    exchange_memory& handlers() const noexcept { return conn_->exchange_handlers; }

    transfer_op(connection& conn, std::string_view host, bool last, const outgoing_request& request,
                const exchange_options& options, incoming_response& response, operation_state& op,
                Handler handler)
        : conn_(&conn), host_(host), request_(&request), options_(&options), response_(&response),
          op_(&op), last_(last), handler_(std::move(handler)) {}

    /// Starts, on the connection's strand.
    void operator()() {
        conn_->aborted = false;
        op_->io_running.store(conn_, std::memory_order_release);
        conn_->parser.emplace(conn_->response, options_->max_response_bytes,
                              options_->read_rate_headers);
        format_request(conn_->write_buffer, host_, *request_, last_);
        conn_->deadline.arm(options_->attempt_timeout);
        write_more();
    }

    /// Continues after a write or a read.
    void operator()(error_code ec, std::size_t transferred) {
        if (!reading_) {
            written_ += transferred;
            if (ec)
                return finish(ec);
            if (written_ < conn_->write_buffer.size())
                return write_more();
            return read_response();
        }
        conn_->read_buffer.commit(transferred);
        if (ec == asio::error::eof) {
            if (!conn_->parser->got_some())
                return finish(http::error::end_of_stream);
            ec = {};
            conn_->parser->put_eof(ec); // a body that lasts until the connection closes
            return finish(ec);
        }
        if (ec)
            return finish(ec);
        parse();
    }

private:
    /// Writes the rest of the request: at once when the socket takes it (then straight on to
    /// the response, without a trip through the scheduler), else by waiting for the socket.
    void write_more() {
        auto& stream = conn_->stream;
        auto rest = asio::buffer(conn_->write_buffer) + written_;
        error_code ec;
        auto written = stream.write_now(rest, ec);
        if (!written)
            return stream.async_write_some(rest, std::move(*this));
        if (ec)
            return finish(ec);
        written_ += *written;
        if (stream.has_unsent_output())
            return stream.async_flush(std::move(*this));
        if (written_ < conn_->write_buffer.size())
            return write_more();
        read_response();
    }

    void read_response() {
        reading_ = true;
        if (conn_->read_buffer.size() == 0)
            return read_more();
        parse();
    }

    void read_more() {
        auto size = boost::beast::read_size(conn_->read_buffer, 65536);
        if (size == 0)
            return finish(http::error::buffer_overflow);
        conn_->stream.async_read_some(conn_->read_buffer.prepare(size), std::move(*this));
    }

    /// Feeds what has arrived to the parser, then reads more or ends.
    void parse() {
        auto& parser = *conn_->parser;
        while (conn_->read_buffer.size() != 0) {
            error_code ec;
            auto used = parser.put(conn_->read_buffer.data(), ec);
            conn_->read_buffer.consume(used);
            if (ec == http::error::need_more)
                break;
            if (ec || parser.is_done())
                return finish(ec);
            if (used == 0)
                break;
        }
        read_more();
    }

    void finish(error_code ec) {
        auto& conn = *conn_;
        auto& diag = op_->diag;
        auto& parser = *conn.parser;
        conn.deadline.disarm();
        if (conn.aborted)
            ec = asio::error::operation_aborted; // whatever the closed socket made of it
        else if (ec && conn.deadline.expired())
            ec = boost::beast::error::timeout;
        exchange_outcome outcome{.facts = {.sent = true}};
        if (ec) { // the connection is closed by the caller: a broken exchange leaves it unusable
            outcome.facts.failure = describe_io_failure(ec, options_->attempt_timeout, diag);
            if (outcome.facts.failure == error::response_too_large && parser.is_header_done()) {
                // An answer too big for us: what it said is known, what it carried is not,
                // and asking again would bring the same.
                outcome.facts.status = conn.response.status;
                outcome.facts.unreadable = true;
                outcome.facts.permanent = true;
            }
        } else {
            // A response that was whole when its time ran out still counts; its connection,
            // closed by then, does not go back.
            outcome.keep_alive = !last_ && parser.keep_alive() && !conn.deadline.expired();
            ++conn.exchanges;
            outcome.facts.status = conn.response.status;
            if (conn.response.status >= 200 && conn.response.status < 300) {
                diag.http_status = static_cast<int>(conn.response.status);
                if (auto refused = options_->reader->read(conn.response, diag)) {
                    outcome.facts.failure = refused;
                    outcome.facts.unreadable = true;
                }
            }
        }
        // A failed exchange's partial body, or a 2xx body its reader has read, is no use to
        // the caller; an error response's body is (its diagnostics quote it).
        bool error_answer = !ec && (conn.response.status < 200 || conn.response.status >= 300);
        hand_over(error_answer);
        conn.parser.reset();
        if (conn.response.body.capacity() > max_kept_body_capacity)
            std::string{}.swap(conn.response.body);
        op_->io_running.store(nullptr, std::memory_order_release);
        auto executor = asio::get_associated_executor(handler_, conn.strand);
        auto allocator = asio::get_associated_allocator(handler_);
        // A plain function, not the handler itself: Asio would track work for the handler's
        // executor, which costs a type-erased executor built and destroyed per call.
        auto resume = [handler = std::move(handler_), outcome]() mutable {
            std::move(handler)(outcome);
        };
        dispatch_to(executor, allocated_with<decltype(resume), decltype(allocator)>{
                                  std::move(resume), allocator});
    }

    /// Gives the caller what it reads of the response after this: the headers its rate budget
    /// and retries look at, and the whole response when it is an error answer.
    void hand_over(bool error_answer) {
        auto& from = conn_->response;
        auto& to = *response_;
        if (error_answer) {
            to = from;
            return;
        }
        to.status = from.status;
        // Usually all empty, and then there is nothing to copy.
        auto copy = [](std::string& into, const std::string& text) {
            if (!into.empty() || !text.empty())
                into = text;
        };
        copy(to.retry_after, from.retry_after);
        copy(to.rate_limit, from.rate_limit);
        copy(to.rate_remaining, from.rate_remaining);
        copy(to.rate_reset, from.rate_reset);
    }

    connection* conn_;
    std::string_view host_;
    const outgoing_request* request_;
    const exchange_options* options_;
    incoming_response* response_;
    operation_state* op_;
    bool last_;
    bool reading_ = false;
    std::size_t written_ = 0;
    Handler handler_;
};

/// Resumes an exchange_waiter on the executor it asked for (which outlives the waiter).
struct waiter_handler {
    using executor_type = asio::any_io_executor;
    executor_type get_executor() const noexcept { return *resume_on; }
    using allocator_type = handler_allocator<void, call_memory>;
    allocator_type get_allocator() const noexcept { return allocator_type{waiter->hops}; }

    void operator()(const exchange_outcome& outcome) const { waiter->exchanged(outcome); }

    std::shared_ptr<exchange_waiter> waiter;
    const asio::any_io_executor* resume_on;
};

/// Builds the exchange's operation with `make(strand)` and starts it on its connection's
/// strand, posted as a plain function (see finish()).
template <class Make> void launch(connection& conn, Make make) {
    auto start = [](auto op) {
        auto& memory = op.handlers();
        return allocated_in(memory, [op = std::move(op)]() mutable { op(); });
    };
    if (const auto* strand = conn.strand.target<io_strand>())
        post_to(*strand, start(make(*strand)));
    else
        asio::post(conn.strand, start(make(conn.strand)));
}

} // namespace

asio::awaitable<exchange_outcome> exchange(connection& conn, std::string_view host, bool last,
                                           const outgoing_request& request,
                                           const exchange_options& options,
                                           incoming_response& response, operation_state& op) {
    // Posted, never started inside the caller, which holds the client's strand. Runs when the
    // caller awaits, after this function returned: nothing of its own frame is referred to.
    auto start = [&conn, host, last, &request, &options, &response, &op](auto handler) {
        launch(conn, [&](const auto& strand) {
            using op_type = transfer_op<decltype(handler), std::decay_t<decltype(strand)>>;
            return op_type{conn, host, last, request, options, response, op, std::move(handler)};
        });
    };
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(exchange_outcome)>(
        start, use_awaitable);
}

void start_exchange(connection& conn, std::string_view host, bool last,
                    const outgoing_request& request, const exchange_options& options,
                    incoming_response& response, operation_state& op,
                    std::shared_ptr<exchange_waiter> waiter,
                    const asio::any_io_executor& resume_on) {
    // Posted: the caller holds the client's strand, and the I/O belongs to the connection's.
    launch(conn, [&](const auto& strand) {
        using op_type = transfer_op<waiter_handler, std::decay_t<decltype(strand)>>;
        return op_type{conn,    host,     last, request,
                       options, response, op,   {std::move(waiter), &resume_on}};
    });
}

} // namespace didit::detail
