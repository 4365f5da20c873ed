#pragma once
// Appending JSON text directly, for request bodies whose shape is fixed: cheaper than
// building a boost::json::value and serializing it.

#include <string>
#include <string_view>

namespace didit::detail {

/// Appends `text` as a JSON string literal, quotes included. Invalid UTF-8 is passed through
/// unchanged (the server validates it); control characters, quotes and backslashes are escaped.
void append_json_string(std::string& out, std::string_view text);

} // namespace didit::detail
