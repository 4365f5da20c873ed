#pragma once
// A client TLS stream over a plain TCP socket, in place of asio::ssl::stream.
//
// asio::ssl::stream keeps, for a connection's whole life, two 17 KiB staging vectors and an
// OpenSSL BIO pair with two 17 KiB ring buffers, and copies every byte through both. Here
// OpenSSL reads and writes through a BIO of our own: received bytes wait in one buffer until
// OpenSSL asks for them, and what it writes is collected and sent at once. A busy connection
// keeps that buffer and OpenSSL's record buffers; the pool has an idle one give them all back
// (release_buffers).
//
// Each operation is one hand-written handler moved from socket operation to socket operation,
// running on its own handler's executor (no composed-operation layer, no Beast stream under
// it: those cost about 1.9k instructions per request). Time limits are not the stream's: a
// connection's io_deadline closes the socket under a phase that runs out of time. One
// operation at a time: a client writes its request and then reads the response, never both
// at once.

#include "transport/strand_post.hpp"

#include <didit/detail/handler_memory.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace didit::detail {

class tls_stream {
public:
    using executor_type = boost::asio::any_io_executor;

    tls_stream(const executor_type& executor, boost::asio::ssl::context& tls);
    tls_stream(const tls_stream&) = delete; // OpenSSL's BIO points at this object
    tls_stream& operator=(const tls_stream&) = delete;
    ~tls_stream();

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    boost::asio::ip::tcp::socket& socket() noexcept { return socket_; }
    SSL* native_handle() noexcept { return ssl_.get(); }

    /// Received bytes that OpenSSL has not taken yet, or decrypted data it has not returned.
    bool has_unread_input() const noexcept;
    /// has_unread_input(), or part of a record OpenSSL has taken and not yet decrypted.
    bool holds_input() const noexcept;

    /// Gives back OpenSSL's record buffers (about 17 KiB each way) and ours while the
    /// connection is idle; the next operation allocates them again. Only while none runs.
    void release_buffers() noexcept;

    template <class Token> auto async_handshake(Token&& token) {
        return run<void(boost::system::error_code)>(
            token, [](SSL* ssl, std::size_t&) { return SSL_do_handshake(ssl); });
    }

    // Reads and writes of an empty buffer complete at once with 0 bytes, as a socket's do.
    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        auto into = first_nonempty(boost::asio::buffer_sequence_begin(buffers),
                                   boost::asio::buffer_sequence_end(buffers));
        return run<transfer_signature>(
            token,
            [into](SSL* ssl, std::size_t& n) {
                return into.size() == 0 ? 1 : SSL_read_ex(ssl, into.data(), into.size(), &n);
            },
            into.size() != 0 && !holds_input());
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        auto from = first_nonempty(boost::asio::buffer_sequence_begin(buffers),
                                   boost::asio::buffer_sequence_end(buffers));
        // Bounded so that one large body does not grow the outgoing buffer with it.
        auto size = from.size() < max_write ? from.size() : max_write;
        return run<transfer_signature>(token, [from, size](SSL* ssl, std::size_t& n) {
            return size == 0 ? 1 : SSL_write_ex(ssl, from.data(), size, &n);
        });
    }

    /// Encrypts up to 64 KiB of `from` and sends the records at once, without waiting: the
    /// write of a request, which as an asynchronous operation would cost a trip through the
    /// scheduler to complete. Returns the bytes of `from` taken, or nothing when OpenSSL must
    /// receive first (then async_write_some() does it all). When the socket did not take every
    /// record, has_unsent_output() says so, and async_flush() must send the rest before
    /// anything else happens. Only while no operation runs.
    std::optional<std::size_t> write_now(boost::asio::const_buffer from,
                                         boost::system::error_code& ec);
    bool has_unsent_output() const noexcept { return !outgoing_.empty(); }

    /// Sends what write_now() left; completes with 0 bytes.
    template <class Token> auto async_flush(Token&& token) {
        return run<transfer_signature>(token, [](SSL*, std::size_t& n) {
            n = 0;
            return 1; // nothing for OpenSSL to do: the operation only sends
        });
    }

private:
    using transfer_signature = void(boost::system::error_code, std::size_t);
    static constexpr std::size_t max_write = 64 * 1024;
    /// Room for one whole TLS record (16 KiB of data, header, padding and tag) per receive.
    static constexpr std::size_t incoming_capacity = 16 * 1024 + 2048;

    struct ssl_free {
        void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
    };

    /// What one call into OpenSSL asks for next.
    enum class step { done, receive };
    struct attempt {
        step next;
        boost::system::error_code ec;
        std::size_t bytes = 0;
    };

    /// The buffer an operation works on, as asio::ssl::stream does: the first non-empty one.
    template <class Iterator> static auto first_nonempty(Iterator begin, Iterator end) {
        using buffer = std::decay_t<decltype(*begin)>;
        for (auto it = begin; it != end; ++it)
            if (buffer{*it}.size() != 0)
                return buffer{*it};
        return buffer{};
    }

    /// Calls OpenSSL once (`action` returns its result and sets the bytes moved) and says what
    /// it needs (classify(), which does not depend on the thread's error queue being empty).
    /// Anything it wrote is left in outgoing_ for the caller to send first.
    template <class Action> attempt call_openssl(Action& action) {
        std::size_t bytes = 0;
        int result = action(ssl_.get(), bytes);
        return classify(result, bytes);
    }
    attempt classify(int result, std::size_t bytes);

    boost::asio::mutable_buffer free_incoming();
    void received(std::size_t n) noexcept { incoming_end_ += n; }
    /// A transport failure while OpenSSL waited for input: an end of stream without the peer's
    /// close_notify is a truncation, as asio::ssl::stream reports it.
    boost::system::error_code transport_failure(boost::system::error_code ec) const noexcept;
    void sent() noexcept;
    /// Sends outgoing_ from byte `from` on as far as the socket takes it without waiting;
    /// returns the bytes sent. A full socket is no error.
    std::size_t send_without_waiting(std::size_t from, boost::system::error_code& ec);

    static int bio_read(BIO* bio, char* out, std::size_t size, std::size_t* read);
    static int bio_write(BIO* bio, const char* in, std::size_t size, std::size_t* written);
    static long bio_ctrl(BIO* bio, int command, long number, void* pointer);
    static BIO_METHOD* bio_method();

    template <class Action, class Handler, bool reports_bytes> class io_op;

    /// `receive_first`: OpenSSL cannot make progress before more bytes arrive, so the first
    /// call into it (which would only say so) is skipped.
    template <class Signature, class Token, class Action>
    auto run(Token& token, Action action, bool receive_first = false) {
        constexpr bool reports_bytes = std::is_same_v<Signature, transfer_signature>;
        return boost::asio::async_initiate<Token, Signature>(
            [this](auto handler, Action action, bool receive_first) {
                using op = io_op<Action, std::decay_t<decltype(handler)>, reports_bytes>;
                op{*this, std::move(action), std::move(handler)}.start(receive_first);
            },
            token, std::move(action), receive_first);
    }

    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<SSL, ssl_free> ssl_;
    std::unique_ptr<unsigned char[]> incoming_; ///< allocated when first needed
    std::size_t incoming_begin_ = 0; ///< [begin, end): received, not yet taken by OpenSSL
    std::size_t incoming_end_ = 0;
    std::string outgoing_; ///< written by OpenSSL, to be sent before anything else happens
};

/// One TLS operation: call OpenSSL, send what it wrote, receive what it waits for, repeat.
/// Its socket operations complete on the handler's executor, and so does the operation.
template <class Action, class Handler, bool reports_bytes> class tls_stream::io_op {
public:
    using executor_type = boost::asio::associated_executor_t<Handler, tls_stream::executor_type>;
    executor_type get_executor() const noexcept {
        return boost::asio::get_associated_executor(handler_, stream_->socket_.get_executor());
    }
    using allocator_type = boost::asio::associated_allocator_t<Handler>;
    allocator_type get_allocator() const noexcept {
        return boost::asio::get_associated_allocator(handler_);
    }

    io_op(tls_stream& stream, Action action, Handler handler)
        : stream_(&stream), action_(std::move(action)), handler_(std::move(handler)) {}

    void start(bool receive_first) {
        if (receive_first)
            return receive();
        call();
    }

    /// Continues after a socket operation.
    void operator()(boost::system::error_code ec, std::size_t n) {
        switch (now_) {
        case phase::sending:
            return after_send(ec, n);
        case phase::receiving:
            if (ec)
                return finish(stream_->transport_failure(ec), 0);
            stream_->received(n);
            return call();
        }
    }

private:
    enum class phase { sending, receiving };

    void call() {
        pending_ = stream_->call_openssl(action_);
        if (!stream_->outgoing_.empty()) { // a handshake message, a record or an alert
            sent_ = 0;
            return send();
        }
        if (pending_.next == step::done)
            return finish(pending_.ec, pending_.bytes);
        receive();
    }

    /// Sends what OpenSSL wrote: first without waiting, since a request's records usually fit
    /// the socket's buffer and a send through the reactor costs a trip there and back onto the
    /// handler's executor; the rest (if the socket is full) when the socket can take it.
    void send() {
        auto& stream = *stream_;
        boost::system::error_code ec;
        auto n = stream.send_without_waiting(sent_, ec);
        if (ec || sent_ + n == stream.outgoing_.size())
            return after_send(ec, n);
        sent_ += n;
        now_ = phase::sending;
        waited_ = true;
        stream.socket_.async_write_some(boost::asio::buffer(stream.outgoing_) + sent_,
                                        std::move(*this));
    }

    /// `n` more bytes of OpenSSL's output have left, or sending failed.
    void after_send(boost::system::error_code ec, std::size_t n) {
        if (ec) {
            stream_->sent();
            return finish(ec, 0);
        }
        sent_ += n;
        if (sent_ < stream_->outgoing_.size())
            return send();
        stream_->sent();
        if (pending_.next == step::done)
            return finish(pending_.ec, pending_.bytes);
        receive();
    }

    void receive() {
        now_ = phase::receiving;
        waited_ = true;
        auto& stream = *stream_;
        stream.socket_.async_read_some(stream.free_incoming(), std::move(*this));
    }

    void finish(boost::system::error_code ec, std::size_t n) {
        if (waited_)
            return complete(ec, n);
        // Never complete inside the initiating function: OpenSSL had all it needed already, or
        // the socket took the records at once. Posted as a plain function with the handler's
        // allocator (Asio would have the handler itself, which names an executor, dispatched
        // from the io_context onto it: two trips rather than one).
        auto executor = get_executor();
        auto allocator = get_allocator();
        auto completing = [op = std::move(*this), ec, n]() mutable { op.complete(ec, n); };
        post_to(executor, allocated_with<decltype(completing), allocator_type>{
                              std::move(completing), allocator});
    }

    void complete(boost::system::error_code ec, std::size_t n) {
        if constexpr (reports_bytes)
            std::move(handler_)(ec, n);
        else
            std::move(handler_)(ec);
    }

    tls_stream* stream_;
    Action action_;
    Handler handler_;
    phase now_ = phase::receiving;
    bool waited_ = false; ///< whether any I/O was awaited (else completion must be posted)
    std::size_t sent_ = 0;
    attempt pending_{step::done, {}, 0};
};

} // namespace didit::detail
