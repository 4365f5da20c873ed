#pragma once
// What the client keeps of an HTTP response, and the limits it reads one under. Pure: the
// exchange feeds the parser from the socket, the fuzzers feed it arbitrary bytes.

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>

namespace didit::detail {

struct incoming_response {
    unsigned status = 0;
    std::string body;
    std::string retry_after;
    std::string content_type;
    std::string content_disposition;
    std::string location; ///< of a redirect, which is never followed
    // X-RateLimit-*, read only when the caller asks for them.
    std::string rate_limit;
    std::string rate_remaining;
    std::string rate_reset;
};

using response_parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

/// The most header bytes (status line and fields) a response may have.
inline constexpr std::size_t max_header_bytes = 16 * 1024;

/// Bounds what `parser` accepts: the header to max_header_bytes, the body to `max_body_bytes`
/// whether it is sized, chunked or read until the connection closes.
void limit_response(response_parser& parser, std::size_t max_body_bytes);

/// Moves what the client uses of the parsed response into `out`.
void take_response(response_parser& parser, bool read_rate_headers, incoming_response& out);

} // namespace didit::detail
