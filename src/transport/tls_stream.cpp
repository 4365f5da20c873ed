#include "transport/tls_stream.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace didit::detail {

namespace asio = boost::asio;
using boost::system::error_code;

tls_stream::tls_stream(const executor_type& executor, asio::ssl::context& tls)
    : socket_(executor), ssl_(SSL_new(tls.native_handle())) {
    if (!ssl_)
        throw std::bad_alloc{};
    BIO* bio = BIO_new(bio_method());
    if (bio == nullptr)
        throw std::bad_alloc{};
    BIO_set_data(bio, this);
    BIO_set_init(bio, 1);
    SSL_set_bio(ssl_.get(), bio, bio); // the SSL owns it from here
    SSL_set_mode(ssl_.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_connect_state(ssl_.get());
}

tls_stream::~tls_stream() = default;

void tls_stream::release_buffers() noexcept {
    SSL_free_buffers(ssl_.get()); // keeps them, and says 0, while they hold data
    if (incoming_begin_ == incoming_end_) {
        incoming_.reset();
        incoming_begin_ = incoming_end_ = 0;
    }
    std::string{}.swap(outgoing_);
}

bool tls_stream::has_unread_input() const noexcept {
    return incoming_begin_ != incoming_end_ || SSL_pending(ssl_.get()) > 0;
}

bool tls_stream::holds_input() const noexcept {
    return incoming_begin_ != incoming_end_ || SSL_has_pending(ssl_.get()) == 1;
}

tls_stream::attempt tls_stream::classify(int result, std::size_t bytes) {
    // SSL_get_error() looks at the thread's error queue first, where other code on the thread
    // may have left entries, so it needs the queue emptied before every call (about 170
    // instructions each time). Success and waiting for input are read from OpenSSL's own
    // state instead, which entries of others cannot change; only a failure or the peer's
    // close reads the queue, where OpenSSL put this call's error last.
    SSL* ssl = ssl_.get();
    if (result > 0)
        return {step::done, {}, bytes};
    if (SSL_want_read(ssl) && BIO_should_read(SSL_get_rbio(ssl)))
        return {step::receive, {}, 0}; // our BIO had no bytes for it (an end would not retry)
    auto last = ERR_peek_last_error();
    ERR_clear_error(); // read: the queue is left empty for the next failure
    bool fatal_alert = last != 0 && ERR_GET_LIB(last) == ERR_LIB_SSL &&
                       ERR_GET_REASON(last) >= SSL_AD_REASON_OFFSET;
    if ((SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0 && !fatal_alert)
        return {step::done, asio::error::eof, 0}; // the peer's close_notify
    if (last != 0)
        return {step::done, error_code(static_cast<int>(last), asio::error::get_ssl_category()), 0};
    return {step::done, asio::ssl::error::unspecified_system_error, 0};
}

asio::mutable_buffer tls_stream::free_incoming() {
    if (!incoming_) // not value-initialised: pages that no response reaches stay untouched
        incoming_ = std::make_unique_for_overwrite<unsigned char[]>(incoming_capacity);
    // OpenSSL takes whatever it is offered before it asks for more, so by now the buffer is
    // usually empty; a partial record left at the end moves to the front.
    if (incoming_begin_ == incoming_end_) {
        incoming_begin_ = incoming_end_ = 0;
    } else if (incoming_end_ == incoming_capacity) {
        std::memmove(incoming_.get(), incoming_.get() + incoming_begin_,
                     incoming_end_ - incoming_begin_);
        incoming_end_ -= incoming_begin_;
        incoming_begin_ = 0;
    }
    return {incoming_.get() + incoming_end_, incoming_capacity - incoming_end_};
}

error_code tls_stream::transport_failure(error_code ec) const noexcept {
    if (ec == asio::error::eof && (SSL_get_shutdown(ssl_.get()) & SSL_RECEIVED_SHUTDOWN) == 0)
        return asio::ssl::error::stream_truncated;
    return ec;
}

void tls_stream::sent() noexcept {
    outgoing_.clear();
    if (outgoing_.capacity() > 2 * incoming_capacity)
        std::string{}.swap(outgoing_); // a large body's records: not kept while idle
}

std::optional<std::size_t> tls_stream::write_now(asio::const_buffer from, error_code& ec) {
    ec = {};
    auto size = std::min(from.size(), max_write);
    if (size == 0)
        return 0;
    auto write = [&](SSL* ssl, std::size_t& n) { return SSL_write_ex(ssl, from.data(), size, &n); };
    auto result = call_openssl(write);
    if (result.next == step::receive)
        return std::nullopt; // what OpenSSL wrote stays in outgoing_, to be sent first
    if (result.ec) {
        ec = result.ec;
        sent(); // an alert, at most: the connection is done for
        return 0;
    }
    auto done = send_without_waiting(0, ec);
    if (ec || done == outgoing_.size())
        sent();
    else
        outgoing_.erase(0, done);
    return ec ? 0 : result.bytes;
}

std::size_t tls_stream::send_without_waiting(std::size_t from, error_code& ec) {
    ec = {};
    if (!socket_.non_blocking()) // so that a full socket says so rather than waits
        socket_.non_blocking(true, ec);
    std::size_t done = 0;
    while (!ec && from + done < outgoing_.size()) {
        done += socket_.write_some(asio::buffer(outgoing_) + (from + done), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec = {};
            break; // full: the rest waits for the socket
        }
    }
    return done;
}

int tls_stream::bio_read(BIO* bio, char* out, std::size_t size, std::size_t* read) {
    auto& self = *static_cast<tls_stream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    auto available = self.incoming_end_ - self.incoming_begin_;
    if (available == 0) {
        BIO_set_retry_read(bio); // not the end: the operation receives and calls again
        *read = 0;
        return 0;
    }
    auto n = std::min(size, available);
    std::memcpy(out, self.incoming_.get() + self.incoming_begin_, n);
    self.incoming_begin_ += n;
    *read = n;
    return 1;
}

int tls_stream::bio_write(BIO* bio, const char* in, std::size_t size, std::size_t* written) {
    auto& self = *static_cast<tls_stream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    self.outgoing_.append(in, size);
    *written = size;
    return 1;
}

long tls_stream::bio_ctrl(BIO* bio, int command, long, void*) {
    auto& self = *static_cast<tls_stream*>(BIO_get_data(bio));
    switch (command) {
    case BIO_CTRL_FLUSH: // the operation sends outgoing_ after each call into OpenSSL
        return 1;
    case BIO_CTRL_PENDING:
        return static_cast<long>(self.incoming_end_ - self.incoming_begin_);
    case BIO_CTRL_WPENDING:
        return static_cast<long>(self.outgoing_.size());
    default:
        return 0;
    }
}

BIO_METHOD* tls_stream::bio_method() {
    static BIO_METHOD* const method = [] {
        auto* created =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "didit::tls_stream");
        if (created == nullptr || BIO_meth_set_read_ex(created, &bio_read) != 1 ||
            BIO_meth_set_write_ex(created, &bio_write) != 1 ||
            BIO_meth_set_ctrl(created, &bio_ctrl) != 1)
            throw std::bad_alloc{};
        return created;
    }();
    return method;
}

} // namespace didit::detail
