#include "wire/canonical_json.hpp"

#include "wire/json_text.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace didit::detail {

namespace json = boost::json;
using boost::system::error_code;

namespace {

/// The double a number token spells, rounded correctly (Boost 1.81's parser may be off by an
/// ulp); `parser_reading` when out of range, where Python's float() gives inf or zero.
double exact_double(std::string_view token, double parser_reading) {
    double exact = parser_reading;
    // from_chars takes no leading '+' (JSON has none) and handles '-', digits, '.', 'e'.
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), exact);
    if (ec != std::errc{} || end != token.data() + token.size())
        return parser_reading;
    return exact;
}

/// Builds the value as Boost.JSON's own parser does, except that doubles are re-read from
/// their text with std::from_chars, which rounds correctly.
class exact_handler {
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    json::value_stack stack;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        stack.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        stack.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        stack.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        stack.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        stack.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        stack.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, error_code&) {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        number_.clear();
        stack.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        number_.clear();
        stack.push_uint64(u);
        return true;
    }
    bool on_double(double d, json::string_view s, error_code&) {
        number_.append(s.data(), s.size());
        stack.push_double(exact_double(number_, d));
        number_.clear();
        return true;
    }
    bool on_bool(bool b, error_code&) {
        stack.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        stack.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    std::string number_;
};

void append_hex4(std::string& out, unsigned value) {
    static constexpr char digits[] = "0123456789abcdef";
    out.append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4)
        out.push_back(digits[(value >> shift) & 0xf]);
}

/// Decodes the UTF-8 sequence at `text[i]` (valid: the parser checked), advancing `i`.
unsigned next_code_point(std::string_view text, std::size_t& i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned c = byte(i);
    std::size_t length = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    unsigned cp = length == 1 ? c : length == 2 ? c & 0x1f : length == 3 ? c & 0x0f : c & 0x07;
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    i += length;
    return cp;
}

void write_string(std::string_view text, std::string& out, ascii_escaping escaping) {
    if (escaping == ascii_escaping::none) {
        append_json_string(out, text);
        return;
    }
    out.push_back('"');
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            auto cp = next_code_point(text, i);
            if (cp >= 0x10000) { // as a UTF-16 surrogate pair, like Python
                cp -= 0x10000;
                append_hex4(out, 0xd800 + (cp >> 10));
                append_hex4(out, 0xdc00 + (cp & 0x3ff));
            } else {
                append_hex4(out, cp);
            }
            continue;
        }
        ++i;
        if (c < 0x20 || c == '"' || c == '\\')
            append_json_escape(out, c);
        else if (c == 0x7f) // DEL is not printable ASCII: ensure_ascii escapes it
            append_hex4(out, c);
        else
            out.push_back(static_cast<char>(c));
    }
    out.push_back('"');
}

/// Writes the canonical form as the parser reports the document, without building it: each
/// open container is a frame, and an object's members are sorted when it closes.
class canonical_handler {
public:
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    canonical_handler(std::string& out, ascii_escaping escaping) : out_(out), escaping_(escaping) {}

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) {
        frames_.push_back({true});
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        auto members = std::move(frames_.back().members);
        frames_.pop_back();
        // Python keeps the last of duplicate keys; a stable sort keeps them in arrival order.
        std::stable_sort(members.begin(), members.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string text = "{";
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i + 1 < members.size() && members[i + 1].first == members[i].first)
                continue;
            if (text.size() > 1)
                text.push_back(',');
            write_string(members[i].first, text, escaping_);
            text.push_back(':');
            text.append(members[i].second);
        }
        text.push_back('}');
        emit(std::move(text));
        return true;
    }
    bool on_array_begin(error_code&) {
        frames_.push_back({false, "[", {}});
        return true;
    }
    bool on_array_end(std::size_t, error_code&) {
        auto text = std::move(frames_.back().items);
        frames_.pop_back();
        text.push_back(']');
        emit(std::move(text));
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        chars_.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        chars_.append(s.data(), s.size());
        frames_.back().members.emplace_back(std::move(chars_), std::string{});
        chars_.clear();
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        chars_.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        chars_.append(s.data(), s.size());
        std::string text;
        write_string(chars_, text, escaping_);
        chars_.clear();
        emit(std::move(text));
        return true;
    }
    bool on_number_part(json::string_view s, error_code&) {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        number_.clear();
        emit(std::to_string(i)); // "-0" is 0, as Python's int("-0")
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        number_.clear();
        emit(std::to_string(u));
        return true;
    }
    bool on_double(double d, json::string_view s, error_code&) {
        number_.append(s.data(), s.size());
        std::string text;
        if (number_.find_first_of(".eE") == std::string::npos)
            text = number_; // an integer beyond 64 bits: Python keeps every digit
        else
            append_python_number(exact_double(number_, d), text);
        number_.clear();
        emit(std::move(text));
        return true;
    }
    bool on_bool(bool b, error_code&) {
        emit(b ? "true" : "false");
        return true;
    }
    bool on_null(error_code&) {
        emit("null");
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    struct frame {
        bool is_object = false;
        std::string items{};                                        // an array's text so far
        std::vector<std::pair<std::string, std::string>> members{}; // an object's key and text
    };

    void emit(std::string text) {
        if (frames_.empty()) {
            out_.append(text);
            return;
        }
        auto& top = frames_.back();
        if (top.is_object) {
            top.members.back().second = std::move(text);
            return;
        }
        if (top.items.size() > 1)
            top.items.push_back(',');
        top.items.append(text);
    }

    std::string& out_;
    ascii_escaping escaping_;
    std::vector<frame> frames_;
    std::string chars_;
    std::string number_;
};

bool describe_failure(error_code ec, std::size_t max_depth, std::string& why) {
    why = ec == json::error::too_deep
              ? "nested deeper than " + std::to_string(max_depth) + " levels"
              : "not valid JSON: " + ec.message();
    return false;
}

} // namespace

bool parse_exact(std::string_view text, json::value& out, std::string& why, std::size_t max_depth) {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<exact_handler> parser{options};
    error_code ec;
    auto used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used != text.size())
        ec = json::error::extra_data;
    if (ec)
        return describe_failure(ec, max_depth, why);
    out = parser.handler().stack.release();
    return true;
}

bool write_canonical(std::string_view text, std::string& out, ascii_escaping escaping,
                     std::string& why, std::size_t max_depth) {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<canonical_handler> parser{options, out, escaping};
    error_code ec;
    auto used = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && used != text.size())
        ec = json::error::extra_data;
    return ec ? describe_failure(ec, max_depth, why) : true;
}

void append_python_number(double value, std::string& out) {
    if (std::isinf(value)) { // float('1e400'): json.dumps writes Infinity
        out.append(value < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (std::trunc(value) == value) { // integral: the service sent it as an int
        char text[400];
        auto [end, ec] =
            std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 0);
        std::string_view digits{text, static_cast<std::size_t>(end - text)};
        out.append(digits == "-0" ? "0" : digits);
        return;
    }
    out.append(python_float_repr(value));
}

std::string python_float_repr(double value) {
    // Shortest round-trip digits in scientific form, e.g. "9.54e+01", then laid out as Python
    // does: fixed for exponents -4..15, otherwise d.ddde±XX.
    char text[64];
    auto end = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific).ptr;
    std::string_view sci{text, static_cast<std::size_t>(end - text)};
    bool negative = sci.front() == '-';
    if (negative)
        sci.remove_prefix(1);
    auto e_at = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_at))
        if (c != '.')
            digits.push_back(c);
    int exponent = 0;
    auto exponent_text = sci.substr(e_at + 1);
    std::from_chars(exponent_text.data() + (exponent_text.front() == '+'),
                    exponent_text.data() + exponent_text.size(), exponent);

    std::string out = negative ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out.append("0.").append(static_cast<std::size_t>(-exponent - 1), '0').append(digits);
        } else {
            auto whole = static_cast<std::size_t>(exponent) + 1;
            if (digits.size() <= whole)
                digits.append(whole - digits.size() + 1, '0'); // "x.0" (integral: not reached)
            out.append(digits.substr(0, whole)).append(".").append(digits.substr(whole));
        }
        return out;
    }
    out.push_back(digits.front());
    if (digits.size() > 1)
        out.append(".").append(digits.substr(1));
    out.append(exponent < 0 ? "e-" : "e+");
    auto magnitude = std::to_string(exponent < 0 ? -exponent : exponent);
    if (magnitude.size() < 2)
        out.push_back('0');
    return out.append(magnitude);
}

} // namespace didit::detail
