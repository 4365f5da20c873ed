#include "wire/response_reading.hpp"

#include <boost/beast/core/string.hpp>

namespace didit::detail {

namespace http = boost::beast::http;

void incoming_response::clear() noexcept {
    status = 0;
    for (auto* part : {&body, &retry_after, &content_type, &content_disposition, &location,
                       &rate_limit, &rate_remaining, &rate_reset})
        part->clear();
}

response_parser::response_parser(incoming_response& out, std::size_t max_body_bytes,
                                 bool read_rate_headers)
    : out_(out), read_rate_headers_(read_rate_headers) {
    out_.clear();
    header_limit(max_header_bytes);
    body_limit(max_body_bytes);
    eager(true);
}

void response_parser::on_response_impl(int code, string_view, int, error_code&) {
    out_.status = static_cast<unsigned>(code);
}

void response_parser::take_first(unsigned bit, std::string& to, string_view value) {
    if ((seen_ & bit) != 0)
        return;
    seen_ |= bit;
    to.assign(value.data(), value.size());
}

void response_parser::on_field_impl(field name, string_view name_string, string_view value,
                                    error_code&) {
    switch (name) {
    case field::retry_after:
        return take_first(1u << 0, out_.retry_after, value);
    case field::content_type:
        return take_first(1u << 1, out_.content_type, value);
    case field::content_disposition:
        return take_first(1u << 2, out_.content_disposition, value);
    case field::location:
        return take_first(1u << 3, out_.location, value);
    case field::unknown:
        break;
    default:
        return;
    }
    if (!read_rate_headers_)
        return;
    using boost::beast::iequals;
    if (iequals(name_string, "X-RateLimit-Limit"))
        take_first(1u << 4, out_.rate_limit, value);
    else if (iequals(name_string, "X-RateLimit-Remaining"))
        take_first(1u << 5, out_.rate_remaining, value);
    else if (iequals(name_string, "X-RateLimit-Reset"))
        take_first(1u << 6, out_.rate_reset, value);
}

void response_parser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                        error_code&) {
    // The parser has already refused a length over the body limit.
    if (content_length)
        out_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t response_parser::on_body_impl(string_view body, error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

std::size_t response_parser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

} // namespace didit::detail
