#include "canonical_json.hpp"

#include "json_text.hpp"

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
        double exact = d;
        // from_chars takes no leading '+' (JSON has none) and handles '-', digits, '.', 'e'.
        auto [end, ec] = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
        if (ec != std::errc{} || end != number_.data() + number_.size())
            exact = d; // out of range: keep the parser's reading (inf is not valid JSON anyway)
        number_.clear();
        stack.push_double(exact);
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

void write_double(double value, std::string& out) {
    char text[400];
    if (std::trunc(value) == value) { // integral: the service sent it as an int
        auto [end, ec] =
            std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 0);
        std::string_view digits{text, static_cast<std::size_t>(end - text)};
        out.append(digits == "-0" ? "0" : digits);
        return;
    }
    out.append(python_float_repr(value));
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
    if (ec) {
        why = ec == json::error::too_deep
                  ? "nested deeper than " + std::to_string(max_depth) + " levels"
                  : "not valid JSON: " + ec.message();
        return false;
    }
    out = parser.handler().stack.release();
    return true;
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

void write_canonical(const json::value& value, std::string& out, ascii_escaping escaping) {
    switch (value.kind()) {
    case json::kind::null:
        out.append("null");
        return;
    case json::kind::bool_:
        out.append(value.get_bool() ? "true" : "false");
        return;
    case json::kind::int64:
        out.append(std::to_string(value.get_int64()));
        return;
    case json::kind::uint64:
        out.append(std::to_string(value.get_uint64()));
        return;
    case json::kind::double_:
        write_double(value.get_double(), out);
        return;
    case json::kind::string:
        write_string(value.get_string(), out, escaping);
        return;
    case json::kind::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : value.get_array()) {
            if (!first)
                out.push_back(',');
            first = false;
            write_canonical(item, out, escaping);
        }
        out.push_back(']');
        return;
    }
    case json::kind::object: {
        // UTF-8 byte order is code point order, which is how Python sorts str keys.
        std::vector<const json::key_value_pair*> fields;
        for (const auto& field : value.get_object())
            fields.push_back(&field);
        std::sort(fields.begin(), fields.end(),
                  [](const auto* a, const auto* b) { return a->key() < b->key(); });
        out.push_back('{');
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i != 0)
                out.push_back(',');
            write_string(fields[i]->key(), out, escaping);
            out.push_back(':');
            write_canonical(fields[i]->value(), out, escaping);
        }
        out.push_back('}');
        return;
    }
    }
}

} // namespace didit::detail
