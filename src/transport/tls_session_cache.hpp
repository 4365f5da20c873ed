#pragma once
// The last TLS session an origin gave us, so that a new connection to it resumes instead of
// paying a full handshake (TLS 1.3 tickets, TLS 1.2 session ids). One per connection pool,
// hence per origin: a session is never offered to another server.

#include <openssl/ssl.h>

#include <mutex>

namespace didit::detail {

class tls_session_cache {
public:
    tls_session_cache() = default;
    tls_session_cache(const tls_session_cache&) = delete;
    tls_session_cache& operator=(const tls_session_cache&) = delete;
    ~tls_session_cache();

    /// Makes `ctx` hand every new client session to the cache of the connection it belongs to
    /// (see attach). Call once per context.
    static void enable(SSL_CTX* ctx);

    /// Before the handshake: ties `ssl` to this cache and offers the cached session, if any.
    void attach(SSL* ssl);

private:
    static int on_new_session(SSL* ssl, SSL_SESSION* session);
    void store(SSL_SESSION* session);

    // Tickets arrive while a response is read, on whichever thread does that read.
    std::mutex mutex_;
    SSL_SESSION* session_ = nullptr;
};

} // namespace didit::detail
