#pragma once
// A client TLS stream over Beast's tcp_stream, in place of asio::ssl::stream.
//
// asio::ssl::stream keeps, for a connection's whole life, two 17 KiB staging vectors and an
// OpenSSL BIO pair with two 17 KiB ring buffers, and copies every byte through both. Here
// OpenSSL reads and writes through a BIO of our own: received bytes wait in one buffer until
// OpenSSL asks for them, and what it writes is collected and sent at once. A busy connection
// keeps that buffer and OpenSSL's record buffers; the pool has an idle one give them all back
// (release_buffers).
//
// Timeouts and closing stay tcp_stream's: every wait goes through its async_read_some and
// async_write, so expires_after() and close() act as they did. One operation at a time: a
// client writes its request and then reads the response, never both at once.

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>

namespace didit::detail {

class tls_stream {
public:
    using executor_type = boost::beast::tcp_stream::executor_type;

    tls_stream(const executor_type& executor, boost::asio::ssl::context& tls);
    tls_stream(const tls_stream&) = delete; // OpenSSL's BIO points at this object
    tls_stream& operator=(const tls_stream&) = delete;
    ~tls_stream();

    executor_type get_executor() noexcept { return tcp_.get_executor(); }
    boost::beast::tcp_stream& next_layer() noexcept { return tcp_; }
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
    /// it needs. Anything it wrote is left in outgoing_ for the caller to send first.
    template <class Action> attempt call_openssl(Action& action) {
        // SSL_get_error reads the thread's error queue, so it must start empty; clearing it
        // costs more than looking (it resets every slot).
        if (ERR_peek_error() != 0)
            ERR_clear_error();
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

    static int bio_read(BIO* bio, char* out, std::size_t size, std::size_t* read);
    static int bio_write(BIO* bio, const char* in, std::size_t size, std::size_t* written);
    static long bio_ctrl(BIO* bio, int command, long number, void* pointer);
    static BIO_METHOD* bio_method();

    template <class Action, bool reports_bytes> struct io_op;

    /// `receive_first`: OpenSSL cannot make progress before more bytes arrive, so the first
    /// call into it (which would only say so) is skipped.
    template <class Signature, class Token, class Action>
    auto run(Token& token, Action action, bool receive_first = false) {
        constexpr bool reports_bytes = std::is_same_v<Signature, transfer_signature>;
        return boost::asio::async_compose<Token, Signature>(
            io_op<Action, reports_bytes>{*this, std::move(action), receive_first}, token, tcp_);
    }

    boost::beast::tcp_stream tcp_;
    std::unique_ptr<SSL, ssl_free> ssl_;
    std::unique_ptr<unsigned char[]> incoming_; ///< allocated when first needed
    std::size_t incoming_begin_ = 0; ///< [begin, end): received, not yet taken by OpenSSL
    std::size_t incoming_end_ = 0;
    std::string outgoing_; ///< written by OpenSSL, to be sent before anything else happens
};

/// One TLS operation: call OpenSSL, send what it wrote, receive what it waits for, repeat.
template <class Action, bool reports_bytes> struct tls_stream::io_op {
    tls_stream& stream;
    Action action;
    bool receive_first;
    enum class phase { calling, sending, receiving, completing } now = phase::calling;
    bool waited = false; ///< whether any I/O was awaited (else completion must be posted)
    attempt pending{step::done, {}, 0};

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
        switch (now) {
        case phase::completing:
            return complete(self, ec, n);
        case phase::sending:
            stream.sent();
            if (ec)
                return finish(self, ec, 0);
            if (pending.next == step::done)
                return finish(self, pending.ec, pending.bytes);
            return receive(self);
        case phase::receiving:
            if (ec)
                return finish(self, stream.transport_failure(ec), 0);
            stream.received(n);
            break;
        case phase::calling:
            if (receive_first)
                return receive(self);
            break;
        }
        pending = stream.call_openssl(action);
        if (!stream.outgoing_.empty()) { // a handshake message, a record or an alert
            now = phase::sending;
            waited = true;
            return boost::asio::async_write(stream.tcp_, boost::asio::buffer(stream.outgoing_),
                                            std::move(self));
        }
        if (pending.next == step::done)
            return finish(self, pending.ec, pending.bytes);
        receive(self);
    }

    template <class Self> void receive(Self& self) {
        now = phase::receiving;
        waited = true;
        stream.tcp_.async_read_some(stream.free_incoming(), std::move(self));
    }

    template <class Self> void finish(Self& self, boost::system::error_code ec, std::size_t n) {
        if (waited)
            return complete(self, ec, n);
        // Never complete inside the initiating function: OpenSSL had all it needed already.
        now = phase::completing;
        auto executor = stream.get_executor();
        boost::asio::post(executor, boost::asio::append(std::move(self), ec, n));
    }

    template <class Self>
    static void complete(Self& self, boost::system::error_code ec, std::size_t n) {
        if constexpr (reports_bytes)
            self.complete(ec, n);
        else
            self.complete(ec);
    }
};

} // namespace didit::detail
