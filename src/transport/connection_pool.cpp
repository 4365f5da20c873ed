#include "transport/connection_pool.hpp"

#include "transport/connection_work.hpp"
#include "transport/proxy_tunnel.hpp"
#include "transport/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace didit::detail {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

/// A call waiting in line. Lives in the waiting coroutine's frame; leaves the line when that
/// frame goes, whatever the reason.
struct connection_pool::waiter {
    waiter(connection_pool& pool, const asio::any_io_executor& strand)
        : pool(pool), wake(strand, clock::time_point::max()),
          position(pool.waiters_.insert(pool.waiters_.end(), this)) {}
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    ~waiter() {
        if (queued)
            pool.waiters_.erase(position);
    }

    connection_pool& pool;
    asio::steady_timer wake; ///< cancelled when served
    std::list<waiter*>::iterator position;
    bool queued = true;
    lease granted;
    checkout_result failed; ///< the probe connect's outcome, when it failed
    diagnostics failure_diag;
};

connection_pool::connection_pool(const asio::any_io_executor& strand, asio::io_context& io,
                                 origin server, asio::ssl::context& tls, pool_settings settings,
                                 std::optional<proxy_route> proxy)
    : strand_(strand), io_(io), server_(std::move(server)), proxy_(std::move(proxy)),
      server_label_(server_.host + ":" + server_.port), tls_(tls), settings_(settings) {}

connection_pool::~connection_pool() {
    for (auto& conn : idle_)
        close(*conn, connection_event::reason::client_closed);
}

void connection_pool::close(connection& conn, connection_event::reason why) {
    if (conn.established && settings_.watcher != nullptr)
        settings_.watcher->on_connection(
            {.what = connection_event::phase::closed, .why = why, .server = server_label_});
    conn.close();
}

connection_pool::lease connection_pool::try_acquire() {
    if (!waiters_.empty())
        return {};
    return take();
}

connection_pool::lease connection_pool::take() {
    tidy_idle(clock::now());
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        if (conn->peer_closed_or_spoke()) {
            discard(std::move(conn), connection_event::reason::peer_closed);
            continue;
        }
        return lease{this, std::move(conn)};
    }
    bool probing = failing_ && connecting_ > 0; // during an outage, one connect at a time
    if (probing)
        return {};
    return open_new();
}

connection_pool::lease connection_pool::open_new() {
    if (open_ >= settings_.max_connections)
        return {};
    ++open_;
    ++connecting_;
    auto conn = std::make_unique<connection>(io_, tls_);
    conn->connecting = true;
    return lease{this, std::move(conn)};
}

asio::awaitable<connection_pool::checkout_result> connection_pool::checkout(lease taken,
                                                                            io_claim& op) {
    auto& diag = op.diag;
    if (!taken) {
        waiter in_line{*this, strand_};
        co_await in_line.wake.async_wait(as_tuple(use_awaitable));
        if (in_line.queued) // woken by cancellation, not served
            co_return checkout_result{.failure = asio::error::operation_aborted};
        if (in_line.failed.failure) {
            diag.message = in_line.failure_diag.message;
            co_return std::move(in_line.failed);
        }
        taken = std::move(in_line.granted);
    }
    if (taken->established)
        co_return checkout_result{.conn = std::move(taken), .permanent = false, .reused = true};

    checkout_result outcome;
    outcome.failure = co_await establish(*taken, op, outcome.permanent);
    connect_finished(*taken);
    if (outcome.failure) {
        if (outcome.failure != asio::error::operation_aborted) {
            failing_ = true;
            fail_waiters(outcome, diag);
        }
        co_return outcome; // `taken` is discarded, freeing its slot
    }
    failing_ = false;
    serve_waiters(); // the probe succeeded: the line may connect in parallel again
    outcome.conn = std::move(taken);
    co_return outcome;
}

void connection_pool::connect_finished(connection& conn) {
    if (conn.connecting) {
        conn.connecting = false;
        --connecting_;
    }
}

namespace {

struct connect_settings {
    clock::duration connect_timeout{};   ///< zero: no limit
    clock::duration handshake_timeout{}; ///< zero: no limit
};

/// On the connection's strand: TCP connect to one of `endpoints` (the server's, or the
/// proxy's, through which a tunnel to the server is then opened), then the TLS handshake with
/// the server, offering its last session.
connection_work<error_code>
connect_and_handshake(connection& conn, asio::ip::tcp::resolver::results_type endpoints,
                      const origin& server, const proxy_route* proxy, connect_settings limits,
                      tls_session_cache& sessions, io_claim& op, bool& permanent) {
    constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable_t<connection_executor>{});
    running_on here{op, conn};
    auto& diag = op.diag;
    conn.limit_phase(limits.connect_timeout);
    // An endpoint is tried only while there is no stop: closing the socket ends one attempt,
    // and async_connect would otherwise open it again for the next endpoint.
    auto still_wanted = [&conn](const error_code&, const asio::ip::tcp::endpoint&) {
        return !conn.aborted;
    };
    auto [connect_ec, endpoint] =
        co_await conn.tcp().async_connect(endpoints, still_wanted, as_tuple);
    if (conn.aborted)
        co_return asio::error::operation_aborted;
    auto to_whom = proxy != nullptr ? " to the proxy " + proxy->label : std::string{};
    if (connect_ec == boost::beast::error::timeout) {
        diag.message = "connecting" + to_whom + " did not complete within connect_timeout";
        co_return error::connect_timeout;
    }
    if (connect_ec) {
        diag.message = "connecting" + to_whom + " failed: " + connect_ec.message();
        co_return error::connect_failed;
    }
    error_code ignored; // a socket that cannot take it still works, a little slower
    conn.tcp().socket().set_option(asio::ip::tcp::no_delay{true}, ignored);
    if (proxy != nullptr)
        if (auto ec =
                co_await open_tunnel(conn, *proxy, server, limits.connect_timeout, diag, permanent))
            co_return ec;

    if (auto ec = expect_peer(conn.stream.native_handle(), server.host, server.host_is_ip)) {
        diag.message = "cannot set up TLS host verification";
        co_return error::tls_failed;
    }
    sessions.attach(conn.stream.native_handle());
    conn.limit_phase(limits.handshake_timeout);
    auto [handshake_ec] =
        co_await conn.stream.async_handshake(asio::ssl::stream_base::client, as_tuple);
    conn.limit_phase({});
    if (conn.aborted)
        co_return asio::error::operation_aborted;
    if (handshake_ec == boost::beast::error::timeout) {
        diag.message = "the TLS handshake did not complete within handshake_timeout";
        co_return error::handshake_timeout;
    }
    if (handshake_ec) {
        auto why = verification_failure(conn.stream.native_handle());
        permanent = !why.empty();
        diag.message = why.empty() ? "TLS handshake failed: " + handshake_ec.message()
                                   : "the server's certificate was rejected: " + std::string{why};
        co_return error::tls_failed;
    }
    co_return error_code{};
}

} // namespace

asio::awaitable<error_code> connection_pool::establish(connection& conn, io_claim& op,
                                                       bool& permanent) {
    if (!endpoints_) {
        asio::ip::tcp::resolver resolver{strand_};
        const auto& host = proxy_ ? proxy_->host : server_.host;
        const auto& port = proxy_ ? proxy_->port : server_.port;
        auto [ec, results] = co_await resolver.async_resolve(host, port, as_tuple(use_awaitable));
        if (ec == asio::error::operation_aborted)
            co_return ec;
        if (ec) {
            op.diag.message = std::string{proxy_ ? "cannot resolve the proxy's host name: "
                                                 : "cannot resolve the server's host name: "} +
                              ec.message();
            co_return error::connect_failed;
        }
        endpoints_ = std::move(results);
    }

    error_code ec;
    {
        lending lent{op, conn};
        ec = co_await on_connection_strand(
            conn, connect_and_handshake(conn, *endpoints_, server_, proxy_ ? &*proxy_ : nullptr,
                                        {settings_.connect_timeout, settings_.handshake_timeout},
                                        tls_sessions_, op, permanent));
    }
    if (ec == error::connect_failed || ec == error::connect_timeout)
        endpoints_.reset(); // the address may have changed: resolve again next time
    if (ec)
        co_return ec;
    conn.established = true;
    if (settings_.connections_opened != nullptr)
        settings_.connections_opened->fetch_add(1, std::memory_order_relaxed);
    if (settings_.watcher != nullptr)
        settings_.watcher->on_connection(
            {.what = connection_event::phase::opened,
             .server = server_label_,
             .resumed_tls = SSL_session_reused(conn.stream.native_handle()) == 1});
    co_return error_code{};
}

void connection_pool::serve_waiters() {
    while (!waiters_.empty()) {
        auto conn = take();
        if (!conn)
            return;
        auto* next = waiters_.front();
        waiters_.pop_front();
        next->queued = false;
        next->granted = std::move(conn);
        next->wake.cancel();
    }
}

void connection_pool::fail_waiters(const checkout_result& outcome, const diagnostics& diag) {
    while (!waiters_.empty()) {
        auto* next = waiters_.front();
        waiters_.pop_front();
        next->queued = false;
        next->failed.failure = outcome.failure;
        next->failed.permanent = outcome.permanent;
        next->failure_diag.message = diag.message;
        next->wake.cancel();
    }
}

void connection_pool::give_back(std::unique_ptr<connection> conn) {
    // Its work has ended (the connection came back from its strand), so its buffers may go.
    conn->buffers_released = false;
    if (settings_.buffer_release.count() == 0)
        conn->release_buffers();
    auto now = clock::now();
    conn->idle_since = now;
    idle_.push_back(std::move(conn));
    tidy_idle(now);
    serve_waiters();
}

void connection_pool::discard(std::unique_ptr<connection> conn, connection_event::reason why) {
    connect_finished(*conn);
    close(*conn, why);
    --open_;
    serve_waiters();
}

void connection_pool::close_idle() {
    for (auto& conn : idle_) {
        close(*conn, connection_event::reason::client_closed);
        --open_;
    }
    idle_.clear();
    serve_waiters();
}

bool connection_pool::expired(const connection& conn, clock::time_point now) const {
    return settings_.idle_timeout.count() > 0 && now - conn.idle_since >= settings_.idle_timeout;
}

void connection_pool::tidy_idle(clock::time_point now) {
    // Oldest first: those that expired are a prefix, and so are those idle long enough to give
    // their buffers back.
    auto fresh = idle_.begin();
    for (; fresh != idle_.end() && expired(**fresh, now); ++fresh) {
        close(**fresh, connection_event::reason::idle_timeout);
        --open_;
    }
    idle_.erase(idle_.begin(), fresh);
    for (auto& conn : idle_) {
        if (now - conn->idle_since < settings_.buffer_release)
            break;
        if (!conn->buffers_released)
            conn->release_buffers();
    }
}

} // namespace didit::detail
