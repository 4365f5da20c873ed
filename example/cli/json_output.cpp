#include "json_output.hpp"

#include <boost/json/serialize.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace didit_cli {
namespace {

void append(const boost::json::value& value, std::string& out) {
    switch (value.kind()) {
    case boost::json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& member : value.get_object()) {
            if (!first)
                out += ',';
            first = false;
            out += boost::json::serialize(boost::json::string_view{member.key()});
            out += ':';
            append(member.value(), out);
        }
        out += '}';
        break;
    }
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& element : value.get_array()) {
            if (!first)
                out += ',';
            first = false;
            append(element, out);
        }
        out += ']';
        break;
    }
    case boost::json::kind::double_: {
        double number = value.get_double();
        if (!std::isfinite(number)) { // JSON has no spelling for these
            out += "null";
            break;
        }
        std::array<char, 32> digits{};
        auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
        out.append(digits.data(), ec == std::errc{} ? end : digits.data());
        break;
    }
    default: // strings, integers, booleans and null already print plainly
        out += boost::json::serialize(value);
    }
}

} // namespace

std::string to_plain_json(const boost::json::value& value) {
    std::string out;
    append(value, out);
    return out;
}

} // namespace didit_cli
