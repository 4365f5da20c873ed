#include "transport/tls_session_cache.hpp"

namespace didit::detail {

namespace {

/// The SSL ex_data slot that points a connection at its origin's cache.
int cache_slot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return slot;
}

} // namespace

tls_session_cache::~tls_session_cache() {
    SSL_SESSION_free(session_);
}

void tls_session_cache::enable(SSL_CTX* ctx) {
    // Client-side caching, kept here rather than in OpenSSL's internal store, which is keyed
    // by nothing that tells origins apart.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, &tls_session_cache::on_new_session);
}

void tls_session_cache::attach(SSL* ssl) {
    SSL_set_ex_data(ssl, cache_slot(), this);
    std::lock_guard lock{mutex_};
    if (session_ == nullptr || !SSL_SESSION_is_resumable(session_))
        return;
    // Each connection is offered a copy of its own: SSL_set_session shares the object, and a
    // connection that ends without close_notify marks the session it holds unresumable, which
    // would have taken the cached one from every connection after it.
    if (auto* offer = SSL_SESSION_dup(session_)) {
        SSL_set_session(ssl, offer); // takes its own reference
        SSL_SESSION_free(offer);
    }
}

int tls_session_cache::on_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* cache = static_cast<tls_session_cache*>(SSL_get_ex_data(ssl, cache_slot()));
    if (cache == nullptr)
        return 0; // not ours: OpenSSL frees it
    cache->store(session);
    return 0; // OpenSSL keeps (and frees) its own; the cache holds a copy
}

void tls_session_cache::store(SSL_SESSION* session) {
    // A copy: OpenSSL marks the connection's own session unresumable when the connection ends
    // without close_notify, which is how idle connections usually end (the server times them
    // out). Since TLS 1.1 that is no reason to give a session up (RFC 5246, 7.2.1).
    auto* copy = SSL_SESSION_dup(session);
    if (copy == nullptr)
        return;
    std::lock_guard lock{mutex_};
    SSL_SESSION_free(session_);
    session_ = copy;
}

} // namespace didit::detail
