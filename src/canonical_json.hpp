#pragma once
// JSON exactly as Didit's Python service writes it for webhooks (`json.dumps(payload,
// sort_keys=True, separators=(",", ":"))` after turning integral floats into ints), and a
// parser whose numbers round-trip to the same text. Boost.JSON's serializer prints 95.4 as
// 9.54E1 and its 1.81 parser may round long decimals differently from Python, so neither is
// used here. Pure functions.

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace didit::detail {

/// Parses `text`, reading every non-integer number with correct rounding (as Python does).
/// False with the reason in `why` on invalid JSON or nesting deeper than `max_depth`.
bool parse_exact(std::string_view text, boost::json::value& out, std::string& why,
                 std::size_t max_depth);

enum class ascii_escaping {
    none, ///< ensure_ascii=False: UTF-8 as is (X-Signature-V2's input)
    all,  ///< ensure_ascii=True: every code point above U+007E as \uXXXX (the wire body)
};

/// Appends `value` in the service's canonical form: keys sorted by code point, no spaces,
/// integral doubles as integers, other doubles as Python's repr.
void write_canonical(const boost::json::value& value, std::string& out, ascii_escaping escaping);

/// Python's repr of a non-integral finite double, e.g. "95.4", "5e-05", "0.30000000000000004".
std::string python_float_repr(double value);

} // namespace didit::detail
