#pragma once
// Answers written as raw bytes: those of a hostile server, which the client's reader must
// survive with a clear error, bounded memory and no hang, and the unusual but lawful ones of
// production front ends (interim responses, folded fields, close-delimited bodies), which it
// must read as answers.

#include "service.hpp"

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

/// Writes a `103 Early Hints` interim response; false once the client is gone.
boost::asio::awaitable<bool> write_early_hints(tls_stream& stream);

/// Writes `response` as fault `what` (folded_header or close_delimited_body) shapes it.
/// Returns whether the connection may carry another request.
boost::asio::awaitable<bool> write_reshaped(tls_stream& stream, const http_response& response,
                                            fault::kind what);

/// Sends a fatal TLS alert record (internal_error) in place of an answer.
boost::asio::awaitable<void> write_alert(tls_stream& stream);

} // namespace didit::emulator::detail
