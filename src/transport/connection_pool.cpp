#include "transport/connection_pool.hpp"

#include "transport/connection_work.hpp"
#include "transport/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>

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

connection_pool::connection_pool(const asio::any_io_executor& strand,
                                 const asio::any_io_executor& io, origin server,
                                 asio::ssl::context& tls, pool_settings settings)
    : strand_(strand), io_(io), server_(std::move(server)),
      server_label_(server_.host + ":" + server_.port), tls_(tls), settings_(settings),
      idle_sweep_(strand) {}

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
    auto now = clock::now();
    while (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        if (expired(*conn, now)) {
            discard(std::move(conn), connection_event::reason::idle_timeout);
            continue;
        }
        if (conn->peer_closed_or_spoke()) {
            discard(std::move(conn), connection_event::reason::peer_closed);
            continue;
        }
        return lease{this, std::move(conn)};
    }
    bool probing = failing_ && connecting_ > 0; // during an outage, one connect at a time
    if (open_ >= settings_.max_connections || probing)
        return {};
    ++open_;
    ++connecting_;
    auto conn = std::make_unique<connection>(io_, tls_);
    conn->connecting = true;
    return lease{this, std::move(conn)};
}

asio::awaitable<connection_pool::checkout_result> connection_pool::checkout(lease taken,
                                                                            operation_state& op) {
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
        co_return checkout_result{
            .conn = std::move(taken), .certificate_refused = false, .reused = true};

    checkout_result outcome;
    outcome.failure = co_await establish(*taken, op, outcome.certificate_refused);
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

/// On the connection's strand: TCP connect to one of `endpoints`, then the TLS handshake,
/// offering the origin's last session.
asio::awaitable<error_code> connect_and_handshake(connection& conn,
                                                  asio::ip::tcp::resolver::results_type endpoints,
                                                  const origin& server, connect_settings limits,
                                                  tls_session_cache& sessions, operation_state& op,
                                                  bool& certificate_refused) {
    running_on here{op, conn};
    struct disarm_on_exit { // the connection may be discarded as soon as this returns
        io_deadline& deadline;
        ~disarm_on_exit() { deadline.disarm(); }
    } phase_ends{conn.deadline};
    auto& diag = op.diag;
    auto& socket = conn.stream.socket();
    conn.deadline.arm(limits.connect_timeout);
    // An endpoint is tried only while there is time left and no stop: closing the socket ends
    // one attempt, and async_connect would otherwise open it again for the next endpoint.
    auto still_wanted = [&conn](const error_code&, const asio::ip::tcp::endpoint&) {
        return !conn.aborted && !conn.deadline.expired();
    };
    auto [connect_ec, endpoint] =
        co_await asio::async_connect(socket, endpoints, still_wanted, as_tuple(use_awaitable));
    if (conn.aborted)
        co_return asio::error::operation_aborted;
    if (conn.deadline.expired()) {
        diag.message = "connecting did not complete within connect_timeout";
        co_return error::connect_timeout;
    }
    if (connect_ec == asio::error::operation_aborted)
        co_return connect_ec;
    if (connect_ec) {
        diag.message = "connecting failed: " + connect_ec.message();
        co_return error::connect_failed;
    }
    error_code ignored; // a socket that cannot take it still works, a little slower
    socket.set_option(asio::ip::tcp::no_delay{true}, ignored);

    if (auto ec = expect_peer(conn.stream.native_handle(), server.host, server.host_is_ip)) {
        diag.message = "cannot set up TLS host verification";
        co_return error::tls_failed;
    }
    sessions.attach(conn.stream.native_handle());
    conn.deadline.arm(limits.handshake_timeout);
    auto [handshake_ec] = co_await conn.stream.async_handshake(as_tuple(use_awaitable));
    conn.deadline.disarm();
    if (conn.aborted)
        co_return asio::error::operation_aborted;
    if (handshake_ec && conn.deadline.expired()) {
        diag.message = "the TLS handshake did not complete within handshake_timeout";
        co_return error::handshake_timeout;
    }
    if (handshake_ec == asio::error::operation_aborted)
        co_return handshake_ec;
    if (handshake_ec) {
        auto why = verification_failure(conn.stream.native_handle());
        certificate_refused = !why.empty();
        diag.message = why.empty() ? "TLS handshake failed: " + handshake_ec.message()
                                   : "the server's certificate was rejected: " + std::string{why};
        co_return error::tls_failed;
    }
    co_return error_code{};
}

} // namespace

asio::awaitable<error_code> connection_pool::establish(connection& conn, operation_state& op,
                                                       bool& certificate_refused) {
    if (!endpoints_) {
        asio::ip::tcp::resolver resolver{strand_};
        auto [ec, results] =
            co_await resolver.async_resolve(server_.host, server_.port, as_tuple(use_awaitable));
        if (ec == asio::error::operation_aborted)
            co_return ec;
        if (ec) {
            op.diag.message = "cannot resolve the server's host name: " + ec.message();
            co_return error::connect_failed;
        }
        endpoints_ = std::move(results);
    }

    auto ec = co_await on_connection_strand(
        conn, op,
        connect_and_handshake(conn, *endpoints_, server_,
                              {settings_.connect_timeout, settings_.handshake_timeout},
                              tls_sessions_, op, certificate_refused));
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
        next->failed.certificate_refused = outcome.certificate_refused;
        next->failure_diag.message = diag.message;
        next->wake.cancel();
    }
}

void connection_pool::give_back(std::unique_ptr<connection> conn) {
    // Its work has ended (the connection came back from its strand), so its buffers may go.
    conn->buffers_released = false;
    if (settings_.buffer_release.count() == 0)
        conn->release_buffers();
    conn->idle_since = clock::now();
    idle_.push_back(std::move(conn));
    arm_idle_sweep();
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
    idle_sweep_.cancel();
    serve_waiters();
}

bool connection_pool::expired(const connection& conn, clock::time_point now) const {
    return settings_.idle_timeout.count() > 0 && now - conn.idle_since >= settings_.idle_timeout;
}

clock::time_point connection_pool::next_sweep() const {
    auto next = clock::time_point::max();
    if (idle_.empty())
        return next;
    if (settings_.idle_timeout.count() > 0)
        next = idle_.front()->idle_since + settings_.idle_timeout; // the oldest expires first
    for (const auto& conn : idle_) { // those that gave their buffers back are the oldest
        if (!conn->buffers_released) {
            next = std::min(next, conn->idle_since + settings_.buffer_release);
            break;
        }
    }
    return next;
}

void connection_pool::arm_idle_sweep() {
    auto next = next_sweep();
    if (next == clock::time_point::max() || (sweep_armed_ && sweep_at_ <= next))
        return;
    // Re-arming cancels the earlier wait; its handler sees another generation and leaves.
    sweep_armed_ = true;
    sweep_at_ = next;
    auto generation = ++sweep_generation_;
    idle_sweep_.expires_at(next);
    idle_sweep_.async_wait([this, owner = owner_, generation](error_code ec) {
        auto alive = owner.lock();
        if (!alive || generation != sweep_generation_)
            return;
        sweep_armed_ = false;
        if (ec)
            return;
        close_expired();
        release_idle_buffers();
        arm_idle_sweep();
    });
}

void connection_pool::release_idle_buffers() {
    auto now = clock::now();
    for (auto& conn : idle_)
        if (!conn->buffers_released && now - conn->idle_since >= settings_.buffer_release)
            conn->release_buffers();
}

void connection_pool::close_expired() {
    auto now = clock::now();
    std::size_t kept = 0;
    for (auto& conn : idle_) {
        if (expired(*conn, now)) {
            close(*conn, connection_event::reason::idle_timeout);
            --open_;
        } else {
            idle_[kept++] = std::move(conn);
        }
    }
    if (kept != idle_.size()) {
        idle_.resize(kept);
        serve_waiters();
    }
}

} // namespace didit::detail
