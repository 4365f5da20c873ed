// The canonical JSON writer behind X-Signature-V2: for any document it accepts, writing is
// idempotent (canonical text is its own canonical form) and keeps the values (parse → write →
// parse gives equal values, numbers compared as numbers).
#include "wire/canonical_json.hpp"

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace json = boost::json;

namespace {

double as_number(const json::value& v) {
    if (v.is_int64())
        return static_cast<double>(v.get_int64());
    if (v.is_uint64())
        return static_cast<double>(v.get_uint64());
    return v.get_double();
}

bool same_value(const json::value& a, const json::value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.kind() == b.kind() && !a.is_double())
            return a == b;
        return as_number(a) == as_number(b);
    }
    if (a.kind() != b.kind())
        return false;
    if (a.is_array()) {
        const auto& x = a.get_array();
        const auto& y = b.get_array();
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same_value(x[i], y[i]))
                return false;
        return true;
    }
    if (a.is_object()) {
        const auto& x = a.get_object();
        const auto& y = b.get_object();
        if (x.size() != y.size())
            return false;
        for (const auto& [key, value] : x) {
            const auto* other = y.if_contains(key);
            if (other == nullptr || !same_value(value, *other))
                return false;
        }
        return true;
    }
    return a == b;
}

/// Whether a number overflowed a double: Python then writes Infinity, which is not JSON, so
/// the canonical text cannot be read back.
bool has_infinity(const json::value& v) {
    if (v.is_double())
        return std::isinf(v.get_double());
    if (v.is_array()) {
        for (const auto& item : v.get_array())
            if (has_infinity(item))
                return true;
    }
    if (v.is_object()) {
        for (const auto& field : v.get_object())
            if (has_infinity(field.value()))
                return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using didit::detail::ascii_escaping;
    std::string_view text{reinterpret_cast<const char*>(data), size};
    for (auto escaping : {ascii_escaping::none, ascii_escaping::all}) {
        std::string canonical;
        std::string why;
        json::value original;
        if (!didit::detail::write_canonical(text, canonical, escaping, why, 32)) {
            if (didit::detail::parse_exact(text, original, why, 32))
                __builtin_trap(); // both read the same grammar
            return 0;
        }
        if (!didit::detail::parse_exact(text, original, why, 32))
            __builtin_trap();
        if (has_infinity(original))
            return 0;
        std::string again;
        if (!didit::detail::write_canonical(canonical, again, escaping, why, 32) ||
            again != canonical)
            __builtin_trap();
        json::value reread;
        if (!didit::detail::parse_exact(canonical, reread, why, 32) ||
            !same_value(original, reread))
            __builtin_trap();
    }
    return 0;
}
