#include "wire/response_reading.hpp"

#include <boost/beast/http/error.hpp>

#include <array>
#include <cstring>

namespace didit::detail {

namespace {

using http_error = boost::beast::http::error;

/// RFC 9110's tchar: what a field name (and a chunk extension) is made of.
constexpr std::array<bool, 256> token_chars = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[c] = table[c - 'a' + 'A'] = true;
    for (char c : std::string_view{"!#$%&'*+-.^_`|~"})
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

bool is_token(std::string_view text) noexcept {
    if (text.empty())
        return false;
    for (char c : text)
        if (!token_chars[static_cast<unsigned char>(c)])
            return false;
    return true;
}

/// Eight bytes of `text` from `at`, in memory order (the comparisons below need no order).
std::uint64_t load8(const char* at) noexcept {
    std::uint64_t word;
    std::memcpy(&word, at, 8);
    return word;
}

constexpr std::uint64_t every_byte(unsigned char c) noexcept {
    return 0x0101010101010101ull * c;
}

/// Whether any byte of `word` may be a control character (below 0x20, or 0x7f; a tab counts).
/// Never misses one; a borrow may also flag the byte above one, which the byte-by-byte look
/// that follows clears. Bytes of obs-text (0x80 and up) are never flagged.
constexpr bool has_control(std::uint64_t word) noexcept {
    constexpr auto high = every_byte(0x80);
    auto below_space = (word - every_byte(0x20)) & ~word & high;
    auto x = word ^ every_byte(0x7f);
    auto is_delete = (x - every_byte(0x01)) & ~x & high;
    return (below_space | is_delete) != 0;
}

/// Field values and reason phrases: visible characters, obs-text, spaces and tabs. Eight
/// bytes at a time (the last eight overlapping); a word with a control character in it is
/// looked at byte by byte, since tabs are allowed. (The helpers of the header's loop are
/// inlined into it: called per line, their calls cost about as much as their work.)
[[gnu::always_inline]] inline bool is_field_text(std::string_view text) noexcept {
    auto bytes_ok = [](const char* at, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) {
            auto u = static_cast<unsigned char>(at[i]);
            if ((u < 0x20 && u != '\t') || u == 0x7f)
                return false;
        }
        return true;
    };
    auto word_ok = [&](const char* at) { return !has_control(load8(at)) || bytes_ok(at, 8); };
    if (text.size() < 8)
        return bytes_ok(text.data(), text.size());
    for (std::size_t i = 0; i + 8 < text.size(); i += 8)
        if (!word_ok(text.data() + i))
            return false;
    return word_ok(text.data() + text.size() - 8);
}

/// `text` equals `lower` but for the case of its letters, when `text` holds no control
/// characters: setting bit 0x20 of each byte lowers a letter and leaves digits and '-' alone,
/// and maps nothing else onto a letter, digit or '-' (but CR onto '-'). Eight bytes at a time.
[[gnu::always_inline]] inline bool iequals(std::string_view text, std::string_view lower) noexcept {
    if (text.size() != lower.size())
        return false;
    constexpr auto lowering = every_byte(0x20);
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8)
        if ((load8(text.data() + i) | lowering) != (load8(lower.data() + i) | lowering))
            return false;
    for (; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) | 0x20) !=
            (static_cast<unsigned char>(lower[i]) | 0x20))
            return false;
    return true;
}

[[gnu::always_inline]] inline std::string_view trim_spaces(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

/// The line that starts at `begin`, without its CRLF, and where the next one starts; nullptr
/// as `next` when the line is not complete yet. A bare LF is an error.
struct line_result {
    std::string_view line;
    const char* next = nullptr;
    bool bare_lf = false;
};
[[gnu::always_inline]] inline line_result next_line(const char* begin, const char* end) noexcept {
    const auto* lf = static_cast<const char*>(std::memchr(begin, '\n', end - begin));
    if (lf == nullptr)
        return {};
    if (lf == begin || lf[-1] != '\r')
        return {{}, lf + 1, true};
    return {{begin, static_cast<std::size_t>(lf - 1 - begin)}, lf + 1, false};
}

/// 1*DIGIT without overflow.
bool parse_decimal(std::string_view text, std::uint64_t& out) noexcept {
    if (text.empty() || text.size() > 19)
        return false;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out = value;
    return true;
}

/// A chunk's size line: 1*HEXDIG, then extensions ";name" or ";name=value" (tokens) that are
/// ignored.
bool parse_chunk_line(std::string_view line, std::uint64_t& size) noexcept {
    std::size_t i = 0;
    std::uint64_t value = 0;
    for (; i < line.size(); ++i) {
        char c = line[i];
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = static_cast<unsigned>(c - 'A' + 10);
        else
            break;
        if (i == 16)
            return false; // more than 64 bits
        value = value * 16 + digit;
    }
    if (i == 0)
        return false;
    auto extensions = line.substr(i);
    while (!extensions.empty()) {
        if (extensions.front() != ';')
            return false;
        extensions.remove_prefix(1);
        auto end = extensions.find(';');
        auto extension = extensions.substr(0, end);
        auto equals = extension.find('=');
        if (!is_token(extension.substr(0, equals)) ||
            (equals != std::string_view::npos && !is_token(extension.substr(equals + 1))))
            return false;
        extensions.remove_prefix(end == std::string_view::npos ? extensions.size() : end);
    }
    size = value;
    return true;
}

/// The longest chunk size line with its extensions.
constexpr std::size_t max_chunk_line = 4096;

} // namespace

void incoming_response::clear() noexcept {
    status = 0;
    for (auto* part : {&body, &retry_after, &content_type, &content_disposition, &location,
                       &rate_limit, &rate_remaining, &rate_reset})
        part->clear();
}

response_parser::response_parser(incoming_response& out, std::size_t max_body_bytes,
                                 bool read_rate_headers)
    : out_(out), max_body_bytes_(max_body_bytes), read_rate_headers_(read_rate_headers) {
    out_.clear();
}

bool response_parser::keep_alive() const noexcept {
    if (close_ || (!has_length_ && !chunked_ && !no_body_))
        return false; // a body read until the connection closes leaves no connection
    return version_1_1_ || keep_alive_;
}

std::size_t response_parser::put(boost::asio::const_buffer input, error_code& ec) {
    ec = {};
    const auto* begin = static_cast<const char*>(input.data());
    const auto* end = begin + input.size();
    if (begin == end)
        return 0;
    got_some_ = true;
    const auto* at = begin;
    if (now_ == state::header) {
        at += parse_header(begin, end, ec);
        if (ec)
            return 0;
        if ((ec = start_body()))
            return static_cast<std::size_t>(at - begin);
    }
    switch (now_) {
    case state::sized_body: {
        auto n = std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - at));
        out_.body.append(at, static_cast<std::size_t>(n)); // start_body() checked the limit
        at += n;
        if ((remaining_ -= n) == 0)
            now_ = state::done;
        break;
    }
    case state::body_until_close:
        if (!(ec = take_body({at, static_cast<std::size_t>(end - at)})))
            at = end;
        break;
    case state::chunk_line:
    case state::chunk_data:
    case state::chunk_end:
    case state::trailers:
        at += parse_chunked(at, end, ec);
        if (ec == http_error::need_more && at != begin)
            ec = {}; // what was used counts; the next put() asks for more
        break;
    case state::header:
    case state::done:
        break;
    }
    return static_cast<std::size_t>(at - begin);
}

void response_parser::put_eof(error_code& ec) {
    ec = {};
    if (now_ == state::body_until_close)
        now_ = state::done;
    else if (now_ != state::done)
        ec = http_error::partial_message;
}

std::size_t response_parser::parse_header(const char* begin, const char* end, error_code& ec) {
    auto limit = std::min<std::size_t>(static_cast<std::size_t>(end - begin), max_header_bytes);
    const char* stop = begin + limit;
    auto status = next_line(begin, stop);
    const char* at = status.next;
    if (at != nullptr && !status.bare_lf && !(ec = parse_status_line(status.line))) {
        for (;;) {
            auto field = next_line(at, stop);
            if (field.next == nullptr)
                break;
            if (field.bare_lf) {
                ec = http_error::bad_line_ending;
                return 0;
            }
            at = field.next;
            if (field.line.empty())
                return static_cast<std::size_t>(at - begin); // the whole header is here
            if (field.line.front() == ' ' || field.line.front() == '\t') {
                ec = http_error::bad_obs_fold;
                return 0;
            }
            std::size_t colon = 0; // the name runs up to it, token characters only
            while (colon < field.line.size() &&
                   token_chars[static_cast<unsigned char>(field.line[colon])])
                ++colon;
            if (colon == 0 || colon == field.line.size() || field.line[colon] != ':') {
                ec = http_error::bad_field;
                return 0;
            }
            auto value = trim_spaces(field.line.substr(colon + 1));
            if (!is_field_text(value)) {
                ec = http_error::bad_value;
                return 0;
            }
            if ((ec = parse_field(field.line.substr(0, colon), value)))
                return 0;
        }
    } else if (status.bare_lf) {
        ec = http_error::bad_line_ending;
    }
    if (ec)
        return 0;
    // Incomplete: start over when more has arrived, or give up past the limit.
    if (limit == max_header_bytes)
        ec = http_error::header_limit;
    else
        ec = http_error::need_more;
    out_.clear();
    seen_ = 0;
    version_1_1_ = close_ = keep_alive_ = has_length_ = chunked_ = false;
    return 0;
}

response_parser::error_code response_parser::parse_status_line(std::string_view line) {
    // "HTTP/1.1 200 OK": the version, a space, three digits, a space and a reason, maybe empty.
    if (line.size() < 13)
        return http_error::bad_version;
    auto version = load8(line.data()); // "HTTP/1.1" or "HTTP/1.0", compared at once
    bool version_1_1 = version == load8("HTTP/1.1");
    if ((!version_1_1 && version != load8("HTTP/1.0")) || line[8] != ' ')
        return http_error::bad_version;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(line[9]) || !digit(line[10]) || !digit(line[11]) || line[9] == '0' ||
        line[12] != ' ')
        return http_error::bad_status;
    if (!is_field_text(line.substr(13)))
        return http_error::bad_reason;
    version_1_1_ = version_1_1;
    out_.status =
        static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
    return {};
}

void response_parser::take_first(unsigned bit, std::string& to, std::string_view value) {
    if ((seen_ & bit) != 0)
        return;
    seen_ |= bit;
    to.assign(value.data(), value.size());
}

response_parser::error_code response_parser::parse_field(std::string_view name,
                                                         std::string_view value) {
    // By length first: most fields are none of these and cost one comparison.
    switch (name.size()) {
    case 8:
        if (iequals(name, "location"))
            take_first(1u << 3, out_.location, value);
        break;
    case 10:
        if (iequals(name, "connection")) {
            // A list of tokens; close wins over keep-alive.
            while (!value.empty()) {
                auto comma = value.find(',');
                auto option = trim_spaces(value.substr(0, comma));
                close_ = close_ || iequals(option, "close");
                keep_alive_ = keep_alive_ || iequals(option, "keep-alive");
                value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
            }
        }
        break;
    case 11:
        if (iequals(name, "retry-after"))
            take_first(1u << 0, out_.retry_after, value);
        break;
    case 12:
        if (iequals(name, "content-type"))
            take_first(1u << 1, out_.content_type, value);
        break;
    case 14:
        if (iequals(name, "content-length")) {
            // One length, and none beside a transfer coding: two ways to frame the same body
            // are how responses are smuggled.
            if (has_length_ || chunked_ || !parse_decimal(value, remaining_))
                return http_error::bad_content_length;
            has_length_ = true;
        }
        break;
    case 17:
        if (iequals(name, "transfer-encoding")) {
            if (chunked_ || has_length_ || !version_1_1_ || !iequals(value, "chunked"))
                return http_error::bad_transfer_encoding;
            chunked_ = true;
        } else if (read_rate_headers_) {
            if (iequals(name, "x-ratelimit-limit"))
                take_first(1u << 4, out_.rate_limit, value);
            else if (iequals(name, "x-ratelimit-reset"))
                take_first(1u << 6, out_.rate_reset, value);
        }
        break;
    case 19:
        if (iequals(name, "content-disposition"))
            take_first(1u << 2, out_.content_disposition, value);
        break;
    case 21:
        if (read_rate_headers_ && iequals(name, "x-ratelimit-remaining"))
            take_first(1u << 5, out_.rate_remaining, value);
        break;
    default:
        break;
    }
    return {};
}

response_parser::error_code response_parser::start_body() {
    auto status = out_.status;
    if (status < 200 || status == 204 || status == 304) {
        no_body_ = true; // whatever the fields say
        now_ = state::done;
        return {};
    }
    if (chunked_) {
        now_ = state::chunk_line;
        return {};
    }
    if (!has_length_) {
        now_ = state::body_until_close;
        return {};
    }
    now_ = state::sized_body; // the header is done either way: its status and fields count
    if (remaining_ > max_body_bytes_)
        return http_error::body_limit;
    if (remaining_ == 0) {
        now_ = state::done;
        return {};
    }
    out_.body.reserve(static_cast<std::size_t>(remaining_));
    return {};
}

response_parser::error_code response_parser::take_body(std::string_view bytes) {
    if (bytes.size() > max_body_bytes_ - out_.body.size())
        return http_error::body_limit;
    out_.body.append(bytes.data(), bytes.size());
    return {};
}

std::size_t response_parser::parse_chunked(const char* begin, const char* end, error_code& ec) {
    const auto* at = begin;
    // Ends here with `why`, having used what came before `at`.
    auto stop = [&](error_code why) {
        ec = why;
        return static_cast<std::size_t>(at - begin);
    };
    while (now_ != state::done) {
        switch (now_) {
        case state::chunk_line: {
            auto line = next_line(at, std::min(end, at + max_chunk_line));
            if (line.next == nullptr)
                return stop(end - at >= static_cast<std::ptrdiff_t>(max_chunk_line)
                                ? http_error::bad_chunk
                                : http_error::need_more);
            std::uint64_t size = 0;
            if (line.bare_lf || !parse_chunk_line(line.line, size))
                return stop(http_error::bad_chunk);
            if (size > max_body_bytes_ - out_.body.size())
                return stop(http_error::body_limit);
            at = line.next;
            remaining_ = size;
            trailer_bytes_ = 0;
            now_ = size == 0 ? state::trailers : state::chunk_data;
            break;
        }
        case state::chunk_data: {
            if (at == end)
                return stop(http_error::need_more);
            auto n = std::min<std::uint64_t>(remaining_, static_cast<std::uint64_t>(end - at));
            out_.body.append(at, static_cast<std::size_t>(n)); // the chunk line checked the limit
            at += n;
            if ((remaining_ -= n) == 0)
                now_ = state::chunk_end;
            break;
        }
        case state::chunk_end:
            if (end - at < 2)
                return stop(http_error::need_more);
            if (at[0] != '\r' || at[1] != '\n')
                return stop(http_error::bad_chunk);
            at += 2;
            now_ = state::chunk_line;
            break;
        case state::trailers: {
            // Fields after the last chunk, read and dropped, up to the empty line.
            auto line = next_line(at, end);
            if (line.next == nullptr)
                return stop(trailer_bytes_ + static_cast<std::size_t>(end - at) >= max_header_bytes
                                ? http_error::header_limit
                                : http_error::need_more);
            auto colon = line.line.find(':');
            if (line.bare_lf ||
                (!line.line.empty() &&
                 (colon == std::string_view::npos || !is_token(line.line.substr(0, colon)) ||
                  !is_field_text(line.line.substr(colon + 1)))))
                return stop(http_error::bad_field);
            trailer_bytes_ += static_cast<std::size_t>(line.next - at);
            if (trailer_bytes_ > max_header_bytes)
                return stop(http_error::header_limit);
            at = line.next;
            if (line.line.empty())
                now_ = state::done;
            break;
        }
        default:
            return stop({});
        }
    }
    return stop({});
}

} // namespace didit::detail
