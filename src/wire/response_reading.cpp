#include "wire/response_reading.hpp"

namespace didit::detail {

namespace http = boost::beast::http;

void limit_response(response_parser& parser, std::size_t max_body_bytes) {
    parser.header_limit(max_header_bytes);
    parser.body_limit(max_body_bytes);
}

void take_response(response_parser& parser, bool read_rate_headers, incoming_response& out) {
    auto& message = parser.get();
    out.status = message.result_int();
    out.retry_after = message[http::field::retry_after];
    out.content_type = message[http::field::content_type];
    out.content_disposition = message[http::field::content_disposition];
    out.location = message[http::field::location];
    if (read_rate_headers) {
        out.rate_limit = message["X-RateLimit-Limit"];
        out.rate_remaining = message["X-RateLimit-Remaining"];
        out.rate_reset = message["X-RateLimit-Reset"];
    }
    out.body = std::move(message.body());
}

} // namespace didit::detail
