#pragma once
// JSON exactly as Didit's Python service writes it for webhooks (`json.dumps(payload,
// sort_keys=True, separators=(",", ":"))` after turning integral floats into ints), and a
// parser whose doubles are rounded as Python rounds them. Boost.JSON's serializer prints 95.4 as
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

/// Appends the canonical form of the JSON document `text`, read straight from its tokens:
/// keys sorted by code point (the last of duplicate keys wins, as in Python), no spaces,
/// integers of any size with their own digits, integral doubles as integers, other doubles as
/// Python's repr. False with the reason in `why` on invalid JSON or nesting deeper than
/// `max_depth`; `out` is then unspecified.
bool write_canonical(std::string_view text, std::string& out, ascii_escaping escaping,
                     std::string& why, std::size_t max_depth);

/// Appends a double as the service's canonical form has it: integral ones as integers
/// ("100", "100000000000000000000"), others as Python's repr.
void append_python_number(double value, std::string& out);

/// Python's repr of a non-integral finite double, e.g. "95.4", "5e-05", "0.30000000000000004".
std::string python_float_repr(double value);

} // namespace didit::detail
