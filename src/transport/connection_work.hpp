#pragma once
// Handing a connection's work (connect and handshake, an exchange) to the connection's own
// strand, so that the client's strand only holds shared state while the TLS and parsing work
// of many connections runs on all threads at once.

#include "transport/connection.hpp"
#include "transport/io_claim.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <utility>

namespace didit::detail {

/// Work that runs on a connection's strand (connect and handshake, an exchange).
template <class T> using connection_work = boost::asio::awaitable<T, connection_executor>;

/// Marks, for the lifetime of the work on `conn`'s strand, that `op`'s I/O runs there, so that
/// op.stop() can abort it. The first thing such work constructs.
class running_on {
public:
    running_on(io_claim& op, connection& conn) : op_(op) {
        conn.aborted = false;
        op_.io_running.store(&conn, std::memory_order_release);
    }
    running_on(const running_on&) = delete;
    running_on& operator=(const running_on&) = delete;
    ~running_on() { op_.io_running.store(nullptr, std::memory_order_release); }

private:
    io_claim& op_;
};

/// Marks `conn` as where `op`'s I/O is lent (op.in_io), so that op.stop() knows where to send
/// an abort, for as long as work on it may run. Used on the client's strand, around the wait
/// for on_connection_strand().
class lending {
public:
    lending(io_claim& op, connection& conn) : op_(op) { op_.in_io = &conn; }
    lending(const lending&) = delete;
    lending& operator=(const lending&) = delete;
    ~lending() { op_.in_io = nullptr; }

private:
    io_claim& op_;
};

/// Runs `work` on `conn`'s strand and resumes the caller, on its own executor, with its
/// result. The caller's cancellation is not forwarded: a cancelled TLS write or read leaves
/// the stream unusable halfway through a record, and a cancellation slot misses a step that
/// starts after it fires. op.stop() aborts the connection's I/O instead (closing its socket),
/// which `work` reports as operation_aborted; the caller lends the connection (lending) while
/// it waits, so that the stop knows where to go.
///
/// The work is posted, never started inside the caller: co_spawn's dispatch, called from a
/// thread of the io_context, would start it at once inside the client's strand and hold that
/// strand through its first TLS work (a ClientHello's key share, a request's encryption).
template <class T>
boost::asio::awaitable<T> on_connection_strand(connection& conn, connection_work<T> work) {
    namespace asio = boost::asio;
    auto start = [strand = conn.strand()](auto handler, connection_work<T> work) {
        asio::post(strand,
                   [strand, work = std::move(work), handler = std::move(handler)]() mutable {
                       asio::co_spawn(strand, std::move(work), std::move(handler));
                   });
    };
    // Not forwarded: see above.
    auto token = asio::bind_cancellation_slot(asio::cancellation_slot{}, asio::use_awaitable);
    return asio::async_initiate<decltype(token), void(std::exception_ptr, T)>(
        std::move(start), token, std::move(work));
}

} // namespace didit::detail
