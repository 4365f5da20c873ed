#pragma once
// Keep-alive connections to one server, at most a configured number, reused most-recent
// first. Used only from the client's strand.

#include "connection.hpp"
#include "origin.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace didit::detail {

struct pool_settings {
    std::atomic<std::uint64_t>* connections_opened = nullptr; ///< counted here when set
    std::size_t max_connections = 1;
    clock::duration idle_timeout{};      ///< zero: idle connections never expire
    clock::duration connect_timeout{};   ///< zero: no limit
    clock::duration handshake_timeout{}; ///< zero: no limit
};

class connection_pool {
public:
    connection_pool(const boost::asio::any_io_executor& strand, origin server,
                    boost::asio::ssl::context& tls, pool_settings settings);
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

        /// Back to the pool for the next request.
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

    /// Lets idle-expiry timers find out whether the pool still exists.
    void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

    /// A live idle connection, or a new unconnected one when under the limit; otherwise an
    /// empty lease. Never waits.
    lease try_acquire();

    /// Like try_acquire, but waits for a connection to be given back or closed.
    /// Completes with operation_aborted when the calling coroutine is cancelled.
    boost::asio::awaitable<std::pair<error_code, lease>> acquire();

    /// Connects and handshakes a new connection, with the configured time limits.
    boost::asio::awaitable<error_code> establish(connection& conn, diagnostics& diag);

    /// Closes every idle connection and stops the idle timer, so the pool holds no work.
    void close_idle();

    const origin& server() const { return server_; }

private:
    void give_back(std::unique_ptr<connection> conn);
    void discard(std::unique_ptr<connection> conn);
    void wake_waiters() { slot_freed_.cancel(); }
    bool expired(const connection& conn, clock::time_point now) const;
    void arm_idle_sweep();
    void close_expired();

    boost::asio::any_io_executor strand_;
    origin server_;
    boost::asio::ssl::context& tls_;
    pool_settings settings_;
    std::vector<std::unique_ptr<connection>> idle_; ///< oldest first
    std::size_t open_ = 0;                          ///< idle + on loan
    boost::asio::steady_timer slot_freed_;          ///< cancelled to wake waiters
    boost::asio::steady_timer idle_sweep_;
    bool sweep_armed_ = false;
    std::weak_ptr<void> owner_;
    std::optional<boost::asio::ip::tcp::resolver::results_type> endpoints_;
};

} // namespace didit::detail
