#pragma once
// The answers of a hostile server, written as raw bytes: what the client's reader must survive
// with a clear error, bounded memory and no hang.

#include <didit/emulator.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

namespace didit::emulator::detail {

using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

/// Whether a fault of this kind answers with hostile bytes (write_hostile) instead of a
/// response. A redirect is not among them: it is a well-formed answer on a kept-alive
/// connection, as the service sends it.
bool is_hostile(fault::kind what);

/// Writes the hostile answer of `f`. Returns once the answer is over or the client has gone;
/// the connection is not used again.
boost::asio::awaitable<void> write_hostile(tls_stream& stream, const fault& f);

} // namespace didit::emulator::detail
