#pragma once
// Appending JSON text directly, for request bodies whose shape is fixed: cheaper than
// building a boost::json::value and serializing it.

#include <string>
#include <string_view>

namespace didit::detail {

/// Appends `text` as a JSON string literal, quotes included. Invalid UTF-8 is passed through
/// unchanged (the server validates it); control characters, quotes and backslashes are escaped
/// as Python's json module escapes them.
void append_json_string(std::string& out, std::string_view text);

/// Appends `prefix`, then `plain` in quotes, then `suffix`, in one step: for text that needs
/// no escaping (field names, or what append_json_string found plain).
void append_json_quoted(std::string& out, std::string_view prefix, std::string_view plain,
                        std::string_view suffix);

/// Appends the escape of `c`, a control character, a quote or a backslash: `\n`, `\"`, `\u001f`.
void append_json_escape(std::string& out, unsigned char c);

} // namespace didit::detail

namespace didit::detail {

/// Writes one JSON object field by field, commas included; empty optional values are skipped
/// by the callers, not here.
class json_object_writer {
public:
    explicit json_object_writer(std::string& out) : out_(out) { out_.push_back('{'); }
    json_object_writer(const json_object_writer&) = delete;
    json_object_writer& operator=(const json_object_writer&) = delete;

    void string(std::string_view name, std::string_view value) {
        key(name);
        append_json_string(out_, value);
    }
    void boolean(std::string_view name, bool value) {
        key(name);
        out_.append(value ? "true" : "false");
    }
    /// `json` must already be valid JSON text.
    void raw(std::string_view name, std::string_view json) {
        key(name);
        out_.append(json);
    }
    /// Writes the name of a field whose value the caller appends (e.g. a nested writer).
    /// Names are the API's own field names, which need no escaping.
    void key(std::string_view name) {
        append_json_quoted(out_, first_ ? "" : ",", name, ":");
        first_ = false;
    }
    void end() { out_.push_back('}'); }

private:
    std::string& out_;
    bool first_ = true;
};

} // namespace didit::detail
