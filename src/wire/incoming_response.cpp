#include "wire/incoming_response.hpp"

#include <boost/beast/core/string.hpp>

namespace didit::detail {

response_fields_parser::response_fields_parser(incoming_response& out, std::uint64_t max_body_bytes,
                                               bool read_rate_headers)
    : out_(out), read_rate_headers_(read_rate_headers) {
    out_ = incoming_response{};
    header_limit(static_cast<std::uint32_t>(max_header_bytes));
    body_limit(max_body_bytes);
}

void response_fields_parser::on_response_impl(int code, string_view, int, error_code&) {
    out_.status = static_cast<unsigned>(code);
}

void response_fields_parser::keep_first(unsigned seen, std::string& to, string_view value) {
    if (seen_ & seen)
        return;
    seen_ |= seen;
    to.assign(value.data(), value.size());
}

void response_fields_parser::on_field_impl(field name, string_view name_string, string_view value,
                                           error_code&) {
    switch (name) {
    case field::retry_after:
        return keep_first(1u << 0, out_.retry_after, value);
    case field::content_type:
        return keep_first(1u << 1, out_.content_type, value);
    case field::content_disposition:
        return keep_first(1u << 2, out_.content_disposition, value);
    case field::location:
        return keep_first(1u << 3, out_.location, value);
    default:
        break;
    }
    if (!read_rate_headers_ || name != field::unknown)
        return;
    using boost::beast::iequals;
    if (iequals(name_string, "X-RateLimit-Limit"))
        keep_first(1u << 4, out_.rate_limit, value);
    else if (iequals(name_string, "X-RateLimit-Remaining"))
        keep_first(1u << 5, out_.rate_remaining, value);
    else if (iequals(name_string, "X-RateLimit-Reset"))
        keep_first(1u << 6, out_.rate_reset, value);
}

void response_fields_parser::on_body_init_impl(const boost::optional<std::uint64_t>& length,
                                               error_code&) {
    if (length)
        out_.body.reserve(static_cast<std::size_t>(*length)); // within body_limit
}

std::size_t response_fields_parser::on_body_impl(string_view body, error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

std::size_t response_fields_parser::on_chunk_body_impl(std::uint64_t, string_view body,
                                                       error_code&) {
    out_.body.append(body.data(), body.size());
    return body.size();
}

} // namespace didit::detail
