#pragma once
// What the client keeps of an HTTP response, and the parser that reads one into it under the
// client's limits. Pure: the exchange feeds the parser from the socket, the fuzzers feed it
// arbitrary bytes.

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

/// Parses one HTTP/1.0 or 1.1 response straight into an incoming_response: the fields the
/// client uses are assigned as they are found and the body is appended to `out.body`, so a
/// connection that keeps its incoming_response reads response after response without
/// allocating. The header is bounded by max_header_bytes, the body by `max_body_bytes` whether
/// it is sized, chunked or read until the connection closes. The first of repeated fields
/// counts.
///
/// Written for the client's hot path (Beast's basic_parser looked every field name up in a
/// table of all of HTTP's, about 2k instructions a response) and strict where being lenient
/// would guess: no line folding, no bare LF, one Content-Length, no Content-Length beside
/// Transfer-Encoding, and no transfer coding but chunked. Errors are Beast's http::error codes,
/// which the exchange already turns into the client's.
class response_parser {
public:
    using error_code = boost::system::error_code;

    response_parser(incoming_response& out, std::size_t max_body_bytes, bool read_rate_headers);

    /// Parses what it can of `input`; returns the bytes used. http::error::need_more (with
    /// nothing used) when it needs the rest of the header or of a chunk's line first.
    std::size_t put(boost::asio::const_buffer input, error_code& ec);
    /// The connection closed: ends a body read until then, else partial_message.
    void put_eof(error_code& ec);

    bool got_some() const noexcept { return got_some_; }
    bool is_header_done() const noexcept { return now_ != state::header; }
    bool is_done() const noexcept { return now_ == state::done; }
    /// Whether the connection may carry another request after this response.
    bool keep_alive() const noexcept;

private:
    enum class state {
        header,
        sized_body,
        chunk_line,
        chunk_data,
        chunk_end,
        trailers,
        body_until_close,
        done
    };

    std::size_t parse_header(const char* begin, const char* end, error_code& ec);
    error_code parse_status_line(std::string_view line);
    error_code parse_field(std::string_view name, std::string_view value);
    error_code start_body();
    std::size_t parse_chunked(const char* begin, const char* end, error_code& ec);
    /// Appends `bytes` to the body unless it would pass the limit.
    error_code take_body(std::string_view bytes);
    void take_first(unsigned bit, std::string& to, std::string_view value);

    incoming_response& out_;
    std::size_t max_body_bytes_;
    bool read_rate_headers_;
    state now_ = state::header;
    bool got_some_ = false;
    bool version_1_1_ = false;
    bool close_ = false;      ///< Connection: close
    bool keep_alive_ = false; ///< Connection: keep-alive (what keeps an HTTP/1.0 one open)
    bool has_length_ = false;
    bool chunked_ = false;
    bool no_body_ = false;          ///< a status that has none (1xx, 204, 304)
    std::uint64_t remaining_ = 0;   ///< of the sized body or of the current chunk
    std::size_t trailer_bytes_ = 0; ///< after the last chunk, bounded as a header is
    unsigned seen_ = 0;             ///< one bit per kept field
};

} // namespace didit::detail
