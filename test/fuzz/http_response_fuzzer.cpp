// The client's HTTP response parser against Beast's on arbitrary bytes. The client's may refuse
// more (it is stricter on purpose: one framing per response, no folding, no bare LF), but where
// both read a whole response they must read the same one: status, body and the fields the
// client keeps. Beast's parser is the oracle here only; the client does not use it.
#include "response_bytes.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace {

namespace http = boost::beast::http;

/// What Beast reads from the bytes: the status and the kept fields of the header (Beast adds a
/// chunked body's trailer fields to the message; the client ignores trailers), and the body.
struct beast_reading {
    unsigned status = 0;
    std::string body;
    std::string content_type, retry_after, location, content_disposition;
    std::string rate_limit, rate_remaining, rate_reset;
};

/// What Beast reads from `data` at once (then the connection closing), under the same limits.
std::optional<beast_reading> read_with_beast(const std::uint8_t* data, std::size_t size) {
    http::response_parser<http::string_body> parser;
    parser.header_limit(didit::detail::max_header_bytes);
    parser.body_limit(didit::fuzz::max_body_bytes);
    boost::system::error_code ec;
    // The header first (the parser is not eager yet), to keep its fields before any trailer.
    auto used = parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_header_done())
        return std::nullopt;
    const auto& header = parser.get();
    auto first = [&](auto name) { return std::string{header[name]}; };
    beast_reading out{.status = header.result_int(),
                      .content_type = first(http::field::content_type),
                      .retry_after = first(http::field::retry_after),
                      .location = first(http::field::location),
                      .content_disposition = first(http::field::content_disposition),
                      .rate_limit = first("X-RateLimit-Limit"),
                      .rate_remaining = first("X-RateLimit-Remaining"),
                      .rate_reset = first("X-RateLimit-Reset")};
    parser.eager(true);
    if (!parser.is_done())
        parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more)
        ec = {};
    if (!ec && !parser.is_done())
        parser.put_eof(ec);
    if (ec || !parser.is_done())
        return std::nullopt;
    out.body = parser.get().body();
    return out;
}

void require(bool same) {
    if (!same)
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto ours = didit::fuzz::read_response(data, size);
    if (!ours)
        return 0;
    auto beast = read_with_beast(data, size);
    if (!beast)
        return 0; // Beast refused or wanted more: ours reads less leniently in other places
    require(ours->status == beast->status);
    require(ours->body == beast->body);
    require(ours->content_type == beast->content_type);
    require(ours->retry_after == beast->retry_after);
    require(ours->location == beast->location);
    require(ours->content_disposition == beast->content_disposition);
    require(ours->rate_limit == beast->rate_limit);
    require(ours->rate_remaining == beast->rate_remaining);
    require(ours->rate_reset == beast->rate_reset);
    return 0;
}
