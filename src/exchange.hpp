#pragma once
// One HTTP request/response over a pooled connection, with the rules for when a request
// may go out again.

#include "connection_pool.hpp"
#include "operation.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace didit::detail {

struct outgoing_request {
    std::string_view method;       ///< "GET", "POST", ...
    std::string_view target;       ///< origin-form path, e.g. "/v1/session/"
    std::string_view credentials;  ///< whole header line(s) with CRLF, e.g. the API key; a secret
    std::string_view content_type; ///< "" when there is no body
    std::string_view body;
    /// Sending it twice does no harm (a token request, a read). Otherwise it is sent again only
    /// when it provably never reached the server.
    bool repeatable = false;
};

struct incoming_response {
    unsigned status = 0;
    std::string body;
    std::string retry_after;
    std::string content_type;
    std::string content_disposition;
};

/// Writes the whole request head and body into `out`, reusing its capacity.
void format_request(std::string& out, std::string_view host, const outgoing_request& request);

/// Sends `request` and reads the response into `response`. A pooled connection found closed
/// by the server before the request was written is replaced without the caller noticing.
/// After the request was written, a broken connection yields error::connection_lost for a
/// repeatable request (after one retry on a fresh connection if the broken one was reused)
/// and error::outcome_unknown otherwise. Sets op.diag.request_sent once bytes were written.
boost::asio::awaitable<error_code> exchange(connection_pool& pool, const outgoing_request& request,
                                            std::size_t max_response_bytes,
                                            incoming_response& response, operation_state& op);

} // namespace didit::detail
