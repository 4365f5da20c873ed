#pragma once
// One keep-alive TLS connection, Beast's stream over a strand of its own, and the buffers it
// reuses from request to request.
//
// Its connect, handshake, writes, reads and parsing run on its strand, so connections proceed
// in parallel on as many threads as drive the io_context. The client's strand only lends it
// out and takes it back (connection_pool).

#include "api/clock.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <string>

namespace didit::detail {

/// A strand over `executor`. Over an io_context's own executor type the strand fits in
/// any_io_executor's small buffer, so copying it (which Asio does per operation) does not
/// allocate; over other executors it still works, with allocations.
boost::asio::any_io_executor make_strand_over(const boost::asio::any_io_executor& executor);

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

struct connection {
    /// `io` is the executor the client was given; the connection makes its own strand over it.
    connection(const boost::asio::any_io_executor& io, boost::asio::ssl::context& tls)
        : stream(make_strand_over(io), tls) {}

    tls_stream stream; ///< its executor is the connection's strand
    boost::beast::flat_buffer read_buffer;
    std::string write_buffer;
    clock::time_point idle_since{};
    bool established = false;
    bool connecting = false;       ///< handed out to be connected; counted by the pool until done
    bool aborted = false;          ///< abort_io() ended the work in progress; only on the strand
    bool buffers_released = false; ///< idle, with its buffers given back

    boost::asio::any_io_executor strand() { return stream.get_executor(); }
    boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream); }

    /// Limits the operations from now on to `limit` in all (zero: no limit); Beast's stream
    /// closes the socket and fails them with beast::error::timeout when it passes.
    void limit_phase(clock::duration limit);

    /// Gives back the TLS and HTTP buffers of an idle connection (the next exchange allocates
    /// them again). Only while no work runs on it.
    void release_buffers() noexcept;

    /// An idle HTTP/1.1 connection receives nothing. If the peer closed it, or sent anything
    /// (a TLS close_notify, stray bytes), it must not carry another request: sending on it
    /// could not be told apart from the server dropping a request it received.
    bool peer_closed_or_spoke();

    /// Closes the socket under the I/O in progress and sets `aborted`: pending reads, writes,
    /// connects and handshakes complete at once, and so does any operation started after this
    /// (a one-time cancel could miss those). Only on the strand, during work.
    void abort_io() noexcept;

    /// Closes the socket at once (no TLS shutdown: the connection is being given up). Only
    /// while no I/O is pending.
    void close() noexcept;
};

} // namespace didit::detail
