#pragma once
// One keep-alive TLS connection and the buffers it reuses from request to request.

#include "token_policy.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <cstdint>
#include <string>

namespace didit::detail {

struct connection {
    connection(const boost::asio::any_io_executor& executor, boost::asio::ssl::context& tls)
        : stream(executor, tls) {}

    boost::beast::ssl_stream<boost::beast::tcp_stream> stream;
    boost::beast::flat_buffer read_buffer;
    std::string write_buffer;
    clock::time_point idle_since{};
    bool established = false;
    bool connecting = false;     ///< handed out to be connected; counted by the pool until done
    std::uint32_t exchanges = 0; ///< completed request/response pairs

    /// An idle HTTP/1.1 connection receives nothing. If the peer closed it, or sent anything
    /// (a TLS close_notify, stray bytes), it must not carry another request: sending on it
    /// could not be told apart from the server dropping a request it received.
    bool peer_closed_or_spoke();

    /// Makes pending reads, writes, connects and handshakes complete with operation_aborted.
    void cancel_io() noexcept;

    /// Closes the socket at once (no TLS shutdown: the connection is being given up).
    void close() noexcept;
};

} // namespace didit::detail
