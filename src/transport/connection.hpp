#pragma once
// One keep-alive TLS connection and the buffers it reuses from request to request.
//
// Each connection has a strand of its own: its connect, handshake, writes, reads and response
// parsing run there, so connections proceed in parallel on as many threads as drive the
// io_context. The client's strand only lends it out and takes it back (connection_pool).

#include "api/clock.hpp"
#include "transport/io_deadline.hpp"
#include "transport/tls_stream.hpp"
#include "wire/response_reading.hpp"

#include <didit/detail/handler_memory.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace didit::detail {

/// A strand over `executor`. Over an io_context's own executor type the strand fits in
/// any_io_executor's small buffer, so copying it (which Asio does per operation) does not
/// allocate; over other executors it still works, with allocations.
boost::asio::any_io_executor make_strand_over(const boost::asio::any_io_executor& executor);

struct connection {
    /// `io` is the executor the client was given; the connection makes its own strand over it.
    /// The socket itself is bound to `io`, not to the strand: every handler given to it is
    /// bound to the strand anyway, and Asio tracks work on a socket's own executor per
    /// operation, which over a strand costs a type-erased strand copy made and destroyed.
    connection(const boost::asio::any_io_executor& io, boost::asio::ssl::context& tls)
        : strand(make_strand_over(io)), stream(io, tls), deadline(io, strand, stream.socket()) {}

    const boost::asio::any_io_executor strand; ///< where all I/O on `stream` runs
    tls_stream stream;
    /// The time limit of the connect, the handshake or the exchange in progress. Every phase
    /// that arms it disarms it before the connection is handed back.
    io_deadline deadline;
    /// Where the handlers of its exchanges live (they run one exchange at a time).
    exchange_memory exchange_handlers;
    boost::beast::flat_buffer read_buffer;
    std::string write_buffer;
    /// The response being read, and after it the last one read: its strings keep their
    /// capacity from exchange to exchange.
    incoming_response response;
    /// Reads `response` while an exchange runs.
    std::optional<response_parser> parser;
    clock::time_point idle_since{};
    bool established = false;
    bool connecting = false;       ///< handed out to be connected; counted by the pool until done
    std::uint32_t exchanges = 0;   ///< completed request/response pairs
    bool aborted = false;          ///< abort_io() ended the work in progress; only on `strand`
    bool buffers_released = false; ///< idle, with its buffers given back

    /// Gives back the TLS and HTTP buffers of an idle connection (the next exchange allocates
    /// them again). Only while no work runs on it.
    void release_buffers() noexcept;

    /// An idle HTTP/1.1 connection receives nothing. If the peer closed it, or sent anything
    /// (a TLS close_notify, stray bytes), it must not carry another request: sending on it
    /// could not be told apart from the server dropping a request it received.
    bool peer_closed_or_spoke();

    /// Closes the socket under the I/O in progress and sets `aborted`: pending reads, writes,
    /// connects and handshakes complete at once, and so does any a composed operation starts
    /// after this (a one-time cancel could miss those). Only on `strand`, during work.
    void abort_io() noexcept;

    /// Closes the socket at once (no TLS shutdown: the connection is being given up). Only
    /// while no I/O is pending.
    void close() noexcept;
};

} // namespace didit::detail
