#pragma once
// What the client keeps of an HTTP response, and the parser that reads one into it under the
// client's limits. Pure: the exchange feeds the parser from the socket, the fuzzers feed it
// arbitrary bytes.

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

    /// Empties every part, keeping the strings' capacity for the next response.
    void clear() noexcept;
};

/// The most header bytes (status line and fields) a response may have.
inline constexpr std::size_t max_header_bytes = 16 * 1024;

/// Parses one response straight into an incoming_response: the fields the client uses are
/// assigned as they arrive and the body is appended to `out.body`, so a connection that keeps
/// its incoming_response reads response after response without allocating (Beast's
/// response_parser would store every field in a list of its own first). The header is
/// bounded by max_header_bytes, the body by `max_body_bytes` whether it is sized, chunked or
/// read until the connection closes. The first of repeated fields counts.
class response_parser final : public boost::beast::http::basic_parser<false> {
public:
    response_parser(incoming_response& out, std::size_t max_body_bytes, bool read_rate_headers);

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code&) override {}
    void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
    void on_field_impl(field name, string_view name_string, string_view value,
                       error_code& ec) override;
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           error_code& ec) override;
    std::size_t on_body_impl(string_view body, error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
    void on_finish_impl(error_code&) override {}

    /// Assigns `value` to `to` unless an earlier field of the same name did.
    void take_first(unsigned bit, std::string& to, string_view value);

    incoming_response& out_;
    bool read_rate_headers_;
    unsigned seen_ = 0; ///< one bit per kept field
};

} // namespace didit::detail
