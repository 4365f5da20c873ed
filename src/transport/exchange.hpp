#pragma once
// One attempt: one HTTP request and its response over an established pooled connection. What
// the attempt means for the call is decided elsewhere (retry_decision.hpp).

#include "resilience/retry_decision.hpp"
#include "transport/connection_pool.hpp"
#include "transport/io_claim.hpp"
#include "wire/incoming_response.hpp"
#include "wire/multipart.hpp"

#include <boost/asio/any_io_executor.hpp>
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
    std::string_view accept = "application/json"; ///< what the answer may be
    std::string_view headers{};                   ///< further header lines, each ending CRLF
    const encoded_form* form = nullptr; ///< a multipart body, sent after `body` (then empty)
};

/// Turns a 2xx response into the call's result; fails (with diagnostics) when it cannot. Runs
/// on the connection's strand, while the call waits for it.
class response_reader {
public:
    virtual error_code read(incoming_response& response, diagnostics& diag) = 0;

protected:
    ~response_reader() = default;
};

struct exchange_options {
    std::size_t max_response_bytes = 0;
    clock::duration attempt_timeout{}; ///< zero: none
    bool read_rate_headers = false;
    response_reader* reader = nullptr; ///< reads a 2xx response; required
};

/// Writes the whole request head and body (a form's segments excepted) into `out`, reusing its
/// capacity; with `last`, the head asks the server to close the connection after its response.
void format_request(std::string& out, std::string_view host, const outgoing_request& request,
                    bool last = false);

/// What an exchange ended with.
struct exchange_outcome {
    attempt_facts facts;
    bool keep_alive = false; ///< the connection may carry another request
};

/// Sends `request` on the leased connection `conn` and reads its final response (interim 1xx
/// responses are read past) into `response`, and a 2xx response on into options.reader, all
/// on the connection's strand; resumes the caller on its own executor. `last`: ask the server
/// to close the connection after it. The caller lends the connection to `op` (lending, in
/// connection_work.hpp) and marks the request as in flight before, and gives the connection
/// back to its pool when outcome.keep_alive, or closes it. The facts say what happened (a 2xx
/// the reader refused is `unreadable` with the reader's error); operation_aborted as failure
/// means the operation was stopped.
boost::asio::awaitable<exchange_outcome> exchange(connection& conn, std::string_view host,
                                                  bool last, const outgoing_request& request,
                                                  const exchange_options& options,
                                                  incoming_response& response, io_claim& op);

} // namespace didit::detail
