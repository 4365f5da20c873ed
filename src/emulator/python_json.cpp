#include "python_json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace didit::emulator::detail {

namespace json = boost::json;

namespace {

/// Python's float repr: the fewest significant digits that read back as the same double,
/// positional for decimal exponents -4..15, otherwise mantissa and a signed two-digit exponent.
std::string float_repr(double value) {
    char text[64];
    for (int precision = 0; precision < 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*e", precision, value);
        if (std::strtod(text, nullptr) == value)
            break;
    }
    // text is now "-d.ddde+XX": split it into sign, digits and exponent.
    std::string mantissa{text, std::strchr(text, 'e')};
    int exponent = std::atoi(std::strchr(text, 'e') + 1);
    std::string sign = mantissa[0] == '-' ? "-" : "";
    std::string digits;
    for (char c : mantissa)
        if (c >= '0' && c <= '9')
            digits += c;
    // Appends only: GCC 12 at -O3 misreports `"." + std::string` (its bug 105329).
    std::string out = sign;
    if (exponent < -4 || exponent > 15) {
        out.append(digits, 0, 1);
        if (digits.size() > 1)
            out.append(".").append(digits, 1);
        char tail[16];
        std::snprintf(tail, sizeof tail, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return out.append(tail);
    }
    if (exponent < 0)
        return out.append("0.").append(static_cast<std::size_t>(-exponent - 1), '0').append(digits);
    while (digits.size() < static_cast<std::size_t>(exponent) + 2)
        digits += '0';
    auto whole = static_cast<std::size_t>(exponent) + 1;
    return out.append(digits, 0, whole).append(".").append(digits, whole);
}

std::string number(double value) {
    if (value == std::floor(value)) { // shorten_floats: an integral float is sent as an int
        char text[400];
        std::snprintf(text, sizeof text, "%.0f", value);
        return std::string{text} == "-0" ? "0" : text;
    }
    return float_repr(value);
}

void escape_code_point(std::string& out, unsigned long code) {
    char text[16];
    std::snprintf(text, sizeof text, "\\u%04lx", code & 0xffff);
    out += text;
}

std::string quoted(std::string_view text, bool ensure_ascii) {
    std::string out = "\"";
    std::size_t i = 0;
    while (i < text.size()) {
        unsigned long code = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        if (code >= 0xf0)
            length = 4, code &= 0x07;
        else if (code >= 0xe0)
            length = 3, code &= 0x0f;
        else if (code >= 0xc0)
            length = 2, code &= 0x1f;
        for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
            code = code << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3f);
        std::string_view original = text.substr(i, length);
        i += length;

        switch (code) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '\b':
            out += "\\b";
            continue;
        case '\f':
            out += "\\f";
            continue;
        default:
            break;
        }
        if (code < 0x20) {
            escape_code_point(out, code);
        } else if (!ensure_ascii || code < 0x7f) {
            out += original;
        } else if (code > 0xffff) {
            escape_code_point(out, 0xd800 | ((code - 0x10000) >> 10));
            escape_code_point(out, 0xdc00 | ((code - 0x10000) & 0x3ff));
        } else {
            escape_code_point(out, code);
        }
    }
    return out + "\"";
}

void dump(const json::value& value, bool ensure_ascii, std::string& out) {
    if (const auto* object = value.if_object()) {
        std::map<std::string_view, const json::value*> sorted; // byte order = code point order
        for (const auto& [key, item] : *object)
            sorted[key] = &item;
        out += '{';
        const char* separator = "";
        for (const auto& [key, item] : sorted) {
            out += separator;
            out += quoted(key, ensure_ascii) + ":";
            dump(*item, ensure_ascii, out);
            separator = ",";
        }
        out += '}';
    } else if (const auto* array = value.if_array()) {
        out += '[';
        const char* separator = "";
        for (const auto& item : *array) {
            out += separator;
            dump(item, ensure_ascii, out);
            separator = ",";
        }
        out += ']';
    } else if (const auto* text = value.if_string()) {
        out += quoted(*text, ensure_ascii);
    } else if (const auto* d = value.if_double()) {
        out += number(*d);
    } else if (const auto* i = value.if_int64()) {
        out += std::to_string(*i);
    } else if (const auto* u = value.if_uint64()) {
        out += std::to_string(*u);
    } else if (const auto* b = value.if_bool()) {
        out += *b ? "true" : "false";
    } else {
        out += "null";
    }
}

} // namespace

std::string python_dumps(const json::value& payload, bool ensure_ascii) {
    std::string out;
    dump(payload, ensure_ascii, out);
    return out;
}

} // namespace didit::emulator::detail
