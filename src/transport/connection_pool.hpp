#pragma once
// Keep-alive connections to one server, at most a configured number, reused most-recent
// first. Calls that find none free queue in arrival order and are served one per freed slot.
// While connecting to the server fails, one connect at a time probes it and the queued calls
// share its outcome, so an outage causes no connect storm. Used only from the client's strand;
// connecting and handshaking run on each connection's own strand (connection_work.hpp).

#include "transport/connection.hpp"
#include "transport/io_claim.hpp"
#include "transport/tls_session_cache.hpp"
#include "wire/origin.hpp"
#include "wire/proxy.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/observer.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace didit::detail {

struct pool_settings {
    std::atomic<std::uint64_t>* connections_opened = nullptr; ///< counted here when set
    std::size_t max_connections = 1;
    clock::duration idle_timeout{};      ///< zero: idle connections never expire
    clock::duration buffer_release{};    ///< idle this long: buffers given back (zero: at once)
    clock::duration connect_timeout{};   ///< zero: no limit
    clock::duration handshake_timeout{}; ///< zero: no limit
    didit::observer* watcher = nullptr;  ///< told of opened and closed connections, when set
    bool keep_alive = true;              ///< false: one request per connection
};

class connection_pool {
public:
    /// `strand` guards the pool; connections make their strands over `io`. With `proxy`, every
    /// connection is a tunnel through it to `server`.
    connection_pool(const boost::asio::any_io_executor& strand, boost::asio::io_context& io,
                    origin server, boost::asio::ssl::context& tls, pool_settings settings,
                    std::optional<proxy_route> proxy = std::nullopt);
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;
    ~connection_pool();

    /// A connection on loan: closed and forgotten on destruction unless kept alive.
    class lease {
    public:
        lease() = default;
        lease(connection_pool* pool, std::unique_ptr<connection> conn)
            : pool_(pool), conn_(std::move(conn)) {}
        lease(lease&& other) noexcept = default;
        lease& operator=(lease&& other) noexcept {
            reset();
            pool_ = other.pool_;
            conn_ = std::move(other.conn_);
            return *this;
        }
        ~lease() { reset(); }

        explicit operator bool() const { return conn_ != nullptr; }
        connection* operator->() const { return conn_.get(); }
        connection& operator*() const { return *conn_; }
        const origin& pool_server() const { return pool_->server(); }
        /// Whether the pool lets a connection carry more than one request.
        bool reusable() const { return pool_->settings_.keep_alive; }

        /// Back to the pool for the next request (only for a connection that is established and
        /// has no exchange in progress).
        void keep_alive() { pool_->give_back(std::move(conn_)); }
        /// Closes the connection now.
        void reset() {
            if (conn_)
                pool_->discard(std::move(conn_));
        }

    private:
        connection_pool* pool_ = nullptr;
        std::unique_ptr<connection> conn_;
    };

    /// Never waits: a live idle connection, or a new unconnected one when under the limit;
    /// empty when calls are queued (no one overtakes them), at the limit, or while a probe
    /// connect is in flight during an outage.
    lease try_acquire();

    /// A new unconnected connection, when under the limit (for warming up: checkout()
    /// establishes it); empty at the limit.
    lease open_new();
    /// Connections open or being opened, idle or on loan.
    std::size_t open_connections() const { return open_; }

    struct checkout_result {
        error_code failure{};
        lease conn{}; ///< established, unless `failure`
        /// Connecting again cannot help: the server's certificate was refused, or the proxy
        /// refused the credentials or the tunnel.
        bool permanent = false;
        bool reused = false; ///< established before (an idle one handed over)
    };

    /// An established connection: `taken` if it is one (from try_acquire), else after waiting
    /// in line for a slot and connecting it for `op`. Fails with the connect error (op.diag
    /// filled), with the error of the probe connect it waited for, or with operation_aborted
    /// when `op` is stopped (it then leaves the line).
    boost::asio::awaitable<checkout_result> checkout(lease taken, io_claim& op);

    /// Closes every idle connection and stops the idle timer, so the pool holds no work.
    void close_idle();

    const origin& server() const { return server_; }

private:
    struct waiter;

    lease take();
    void give_back(std::unique_ptr<connection> conn);
    void discard(std::unique_ptr<connection> conn,
                 connection_event::reason why = connection_event::reason::not_reusable);
    /// Closes an established connection and tells the observer why.
    void close(connection& conn, connection_event::reason why);
    void connect_finished(connection& conn);
    /// Hands freed slots to queued calls, first come first served.
    void serve_waiters();
    /// Fails every queued call with the outcome of the connect they waited behind.
    void fail_waiters(const checkout_result& outcome, const diagnostics& diag);
    /// Resolves (once), then connects and handshakes on the connection's strand; sets
    /// `permanent` when connecting again cannot help (see checkout_result).
    boost::asio::awaitable<error_code> establish(connection& conn, io_claim& op, bool& permanent);
    bool expired(const connection& conn, clock::time_point now) const;
    /// Closes the idle connections that expired and gives back the buffers of those idle for
    /// buffer_release. Run whenever the pool is touched, rather than on a timer, so that an
    /// idle pool keeps no work pending on the executor and io_context::run() can return.
    void tidy_idle(clock::time_point now);

    boost::asio::any_io_executor strand_;
    boost::asio::io_context& io_;
    origin server_;
    std::optional<proxy_route> proxy_; ///< where TCP goes, when not straight to server_
    std::string server_label_;         ///< "host:port", for observers
    boost::asio::ssl::context& tls_;
    tls_session_cache tls_sessions_; ///< this origin's last session, for resuming
    pool_settings settings_;
    std::vector<std::unique_ptr<connection>> idle_; ///< oldest first
    std::size_t open_ = 0;                          ///< idle + on loan
    std::size_t connecting_ = 0;                    ///< handed out and not yet connected
    bool failing_ = false;                          ///< the last connect failed
    std::list<waiter*> waiters_;                    ///< in arrival order
    std::optional<boost::asio::ip::tcp::resolver::results_type> endpoints_;
};

} // namespace didit::detail
