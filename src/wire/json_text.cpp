#include "wire/json_text.hpp"

#include <cstdint>
#include <cstring>

namespace didit::detail {

void append_json_escape(std::string& out, unsigned char c) {
    static constexpr char hex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        out.append("\\\"");
        break;
    case '\\':
        out.append("\\\\");
        break;
    case '\n':
        out.append("\\n");
        break;
    case '\r':
        out.append("\\r");
        break;
    case '\t':
        out.append("\\t");
        break;
    case '\b':
        out.append("\\b");
        break;
    case '\f':
        out.append("\\f");
        break;
    default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xf]);
    }
}

namespace {

bool needs_escape(unsigned char c) {
    return c < 0x20 || c == '"' || c == '\\';
}

/// Whether any of the eight bytes of `word` may need escaping: a control character, a quote
/// or a backslash. May say yes for a byte above one that does (a borrow), never no wrongly.
bool may_need_escape(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    return (((word - 0x20 * ones) & ~word & highs) | has_zero(word ^ ('"' * ones)) |
            has_zero(word ^ ('\\' * ones))) != 0;
}

/// The length of the prefix of `text` that needs no escaping; eight bytes at a time, since
/// most of what is sent (ids, URLs) needs none.
std::size_t plain_prefix(std::string_view text) {
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + i, 8);
        if (may_need_escape(word))
            break;
    }
    while (i < text.size() && !needs_escape(static_cast<unsigned char>(text[i])))
        ++i;
    return i;
}

} // namespace

void append_json_quoted(std::string& out, std::string_view prefix, std::string_view plain,
                        std::string_view suffix) {
    auto at = out.size();
    out.resize(at + prefix.size() + plain.size() + suffix.size() + 2);
    char* to = out.data() + at;
    std::memcpy(to, prefix.data(), prefix.size()); // never empty views: literals
    to += prefix.size();
    *to++ = '"';
    if (!plain.empty())
        std::memcpy(to, plain.data(), plain.size());
    to += plain.size();
    *to++ = '"';
    std::memcpy(to, suffix.data(), suffix.size());
}

void append_json_string(std::string& out, std::string_view text) {
    auto plain = plain_prefix(text);
    if (plain == text.size()) { // most of what is sent (ids, URLs): copied whole
        auto at = out.size();
        out.resize(at + text.size() + 2);
        char* to = out.data() + at;
        *to++ = '"';
        if (!text.empty())
            std::memcpy(to, text.data(), text.size());
        to[text.size()] = '"';
        return;
    }
    out.reserve(out.size() + text.size() + 2);
    out.push_back('"');
    out.append(text.substr(0, plain));
    for (std::size_t i = plain; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (needs_escape(c))
            append_json_escape(out, c);
        else
            out.push_back(static_cast<char>(c));
    }
    out.push_back('"');
}

} // namespace didit::detail
