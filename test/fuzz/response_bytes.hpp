#pragma once
// Shared by the response fuzzers: arbitrary bytes, read as the client reads a response from
// the network (same parser, same limits), in slices as a socket would deliver them.

#include "wire/incoming_response.hpp"

#include <boost/beast/http/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace didit::fuzz {

inline constexpr std::size_t max_body_bytes = 64 * 1024;

/// The response the bytes make, or nothing when the client would have refused them.
inline std::optional<detail::incoming_response> read_response(const std::uint8_t* data,
                                                              std::size_t size) {
    detail::incoming_response out;
    detail::response_fields_parser parser{out, max_body_bytes, true};
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t offset = 0;
    while (!parser.is_done() && offset < size) {
        // Slices of up to 97 bytes: headers and chunks split across reads, as on a socket.
        std::size_t slice = std::min<std::size_t>(size - offset, 97);
        auto used = parser.put(boost::asio::buffer(data + offset, slice), ec);
        if (ec == boost::beast::http::error::need_more) {
            ec = {};
            if (slice == size - offset)
                break;
            // The parser wants the whole header (or chunk line) at once: offer more.
            used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
            if (ec == boost::beast::http::error::need_more) {
                ec = {};
                break;
            }
        }
        if (ec)
            return std::nullopt;
        offset += used;
    }
    if (!parser.is_done()) {
        parser.put_eof(ec); // the server closed the connection here
        if (ec || !parser.is_done())
            return std::nullopt;
    }
    return out;
}

/// Aborts when `text` holds a control character: what reaches diagnostics and logs must not.
inline void require_printable(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            __builtin_trap();
}

} // namespace didit::fuzz
