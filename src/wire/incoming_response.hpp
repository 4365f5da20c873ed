#pragma once
// What the client keeps of an HTTP response, and Beast's parser told to keep just that: the
// status, the body and the few fields the client reads, straight into an incoming_response
// (a whole http::response would store every field the server sends). Pure: the exchange feeds
// it from the socket, the fuzzers from arbitrary bytes.

#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>
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

/// The most header bytes (status line and fields) a response may have.
inline constexpr std::size_t max_header_bytes = 16 * 1024;

/// Reads one response into `out` under the client's limits: the header bounded by
/// max_header_bytes, the body by `max_body_bytes` whether it is sized, chunked or read until
/// the connection closes. The first of repeated fields counts. Beast does the parsing (and
/// accepts what RFC 9112 says a client must, such as folded field lines); this only decides
/// what is kept.
class response_fields_parser final : public boost::beast::http::basic_parser<false> {
public:
    response_fields_parser(incoming_response& out, std::uint64_t max_body_bytes,
                           bool read_rate_headers);

private:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code&) override {}
    void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
    void on_field_impl(field name, string_view name_string, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    /// Keeps `value` in `to` unless a field of the same name came first (bit `seen` is set).
    void keep_first(unsigned seen, std::string& to, string_view value);

    incoming_response& out_;
    bool read_rate_headers_;
    unsigned seen_ = 0; ///< one bit per kept field
};

} // namespace didit::detail
