#pragma once
// One keep-alive TLS connection, Beast's stream over a strand of its own, and the buffers it
// reuses from request to request.
//
// Its connect, handshake, writes, reads and parsing run on its strand, so connections proceed
// in parallel on as many threads as drive the io_context. The client's strand only lends it
// out and takes it back (connection_pool).

#include "api/clock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <string>

namespace didit::detail {

/// The connection's strand, named by its type rather than held in an any_io_executor: every
/// step of a TLS read or write copies its handler's executor and counts work on it, and a
/// concrete strand does so without any_io_executor's type erasure (3k instructions a call,
/// 5 %). A strand of an io_context's executor, because Beast's composed operations cannot
/// track work on a strand of any_io_executor; hence the client's need for an io_context.
using connection_executor = boost::asio::strand<boost::asio::io_context::executor_type>;

using tls_stream =
    boost::beast::ssl_stream<boost::beast::basic_stream<boost::asio::ip::tcp, connection_executor>>;

struct connection {
    /// `io` runs the client; the connection makes its own strand of it.
    connection(boost::asio::io_context& io, boost::asio::ssl::context& tls)
        : stream(boost::asio::make_strand(io), tls) {}

    tls_stream stream; ///< its executor is the connection's strand
    boost::beast::flat_buffer read_buffer;
    std::string write_buffer;
    clock::time_point idle_since{};
    bool established = false;
    bool exchanged = false;  ///< has carried a request (warm_up() leaves connections that have not)
    bool connecting = false; ///< handed out to be connected; counted by the pool until done
    bool aborted = false;    ///< abort_io() ended the work in progress; only on the strand
    bool buffers_released = false; ///< idle, with its buffers given back

    connection_executor strand() { return stream.get_executor(); }
    auto& tcp() { return boost::beast::get_lowest_layer(stream); }

    /// Limits the operations from now on to `limit` in all (zero: no limit); Beast's stream
    /// closes the socket and fails them with beast::error::timeout when it passes.
    void limit_phase(clock::duration limit);

    /// Gives back the TLS and HTTP buffers of an idle connection (the next exchange allocates
    /// them again). Only while no work runs on it.
    void release_buffers() noexcept;

    /// An idle HTTP/1.1 connection receives nothing. If the peer closed it, or sent anything
    /// (a TLS close_notify, stray bytes), it must not carry another request: sending on it
    /// could not be told apart from the server dropping a request it received. A connection
    /// that has carried no request yet has unread TLS 1.3 session tickets (they follow the
    /// handshake, and only a read takes them in): for it, only a close counts.
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
