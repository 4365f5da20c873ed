#pragma once
// The tunnel through a forward proxy: CONNECT on a freshly connected TCP socket, its answer
// read with Beast's parser and nothing past it, so that the TLS handshake with the service
// starts on a clean byte stream.

#include "transport/connection_work.hpp"
#include "wire/origin.hpp"
#include "wire/proxy.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

namespace didit::detail {

/// Asks `proxy` (to which `conn` is connected) for a tunnel to `server`, within `limit` (zero:
/// none). Fails with proxy_auth_required (407), proxy_refused (any other answer but 2xx, or
/// one that is not HTTP), connect_timeout or connect_failed, `diag.message` naming the proxy
/// and its status (never its credentials); `permanent` when asking again cannot help (a 407,
/// a 4xx refusal). On the connection's strand, during establish().
connection_work<error_code> open_tunnel(connection& conn, const proxy_route& proxy,
                                        const origin& server, clock::duration limit,
                                        diagnostics& diag, bool& permanent);

} // namespace didit::detail
