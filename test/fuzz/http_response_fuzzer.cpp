// The client's HTTP response parser against Beast's on arbitrary bytes. The client's may refuse
// more (it is stricter on purpose: one framing per response, no folding, no bare LF), but where
// both read a whole response they must read the same one: status, body and the fields the
// client keeps. Beast's parser is the oracle here only; the client does not use it.
#include "response_bytes.hpp"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace {

namespace http = boost::beast::http;

/// What Beast reads from `bytes` at once (then the connection closing), under the same limits.
std::optional<http::response<http::string_body>> read_with_beast(const std::uint8_t* data,
                                                                 std::size_t size) {
    http::response_parser<http::string_body> parser;
    parser.header_limit(didit::detail::max_header_bytes);
    parser.body_limit(didit::fuzz::max_body_bytes);
    parser.eager(true);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec == http::error::need_more)
        ec = {};
    if (!ec && !parser.is_done())
        parser.put_eof(ec);
    if (ec || !parser.is_done())
        return std::nullopt;
    return parser.release();
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
    didit::fuzz::require_printable(ours->content_type);
    didit::fuzz::require_printable(ours->retry_after);
    auto beast = read_with_beast(data, size);
    if (!beast)
        return 0; // Beast refused or wanted more: ours reads less leniently in other places
    const auto& fields = *beast;
    auto first = [&](auto name) { return std::string{fields[name]}; };
    require(ours->status == fields.result_int());
    require(ours->body == fields.body());
    require(ours->content_type == first(http::field::content_type));
    require(ours->retry_after == first(http::field::retry_after));
    require(ours->location == first(http::field::location));
    require(ours->content_disposition == first(http::field::content_disposition));
    require(ours->rate_limit == first("X-RateLimit-Limit"));
    require(ours->rate_remaining == first("X-RateLimit-Remaining"));
    require(ours->rate_reset == first("X-RateLimit-Reset"));
    return 0;
}
