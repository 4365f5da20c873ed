// parse_session (v1_codec.hpp): a create-session answer read with Boost.JSON's SAX parser,
// straight into a didit::session. It runs for every create, and building a DOM first (an
// object, a string per key and per value, a duplicate check per key) cost more than the rest
// of reading the response together. Same rules as a DOM reader: the last of repeated keys
// counts, optional fields of another type are ignored, metadata is kept as a JSON object.

#include "wire/v1_codec.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <array>
#include <cstdint>

namespace didit::detail {
namespace {

using boost::json::error_code;
using boost::json::string_view;

enum class session_field : std::uint8_t {
    other,
    session_id,
    session_token,
    url,
    session_number,
    status,
    workflow_id,
    workflow_version,
    vendor_data,
    callback,
    metadata,
    session_kind,
};

/// A field the session takes, and for a text field the member its string fills.
struct known_field {
    std::string_view name;
    session_field field;
    std::string session::*text = nullptr;
};

/// The field called `name`; null for any other.
const known_field* find_field(std::string_view name) {
    using enum session_field;
    static constexpr known_field fields[] = {
        {"session_id", session_id, &session::session_id},
        {"session_token", session_token, &session::session_token},
        {"url", url, &session::url},
        {"session_number", session_number},
        {"status", status, &session::status},
        {"workflow_id", workflow_id, &session::workflow_id},
        {"workflow_version", workflow_version},
        {"vendor_data", vendor_data, &session::vendor_data},
        {"callback", callback, &session::callback},
        {"metadata", metadata},
        {"session_kind", session_kind, &session::session_kind}};
    for (const auto& known : fields)
        if (name == known.name)
            return &known;
    return nullptr;
}

/// What the answer said of a required field, by its last occurrence.
enum class presence : std::uint8_t { absent, not_text, text };

/// The parser's events, applied to a session. Depth counts the open containers: 1 is inside
/// the top-level object, where the fields are; a metadata object is rebuilt with a
/// value_stack, anything else nested is skipped.
class session_handler {
public:
    static constexpr std::size_t max_array_size = -1;
    static constexpr std::size_t max_object_size = -1;
    static constexpr std::size_t max_string_size = -1;
    static constexpr std::size_t max_key_size = -1;

    explicit session_handler(session& out) : out_(out) {}

    bool top_level_is_object() const { return top_level_is_object_; }
    presence required(session_field field) const {
        return required_[static_cast<std::size_t>(field)];
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code&) {
        if (depth_ == 0)
            top_level_is_object_ = true;
        if (depth_ == 1 && field_ == session_field::metadata) {
            metadata_.reset(); // from here to the matching end: rebuilt into out_.metadata
            capturing_ = true;
        }
        ++depth_;
        return true;
    }
    bool on_object_end(std::size_t size, error_code&) {
        if (capturing())
            metadata_.push_object(size);
        if (--depth_ == 1 && capturing_) {
            out_.metadata = metadata_.release();
            capturing_ = false;
        }
        return true;
    }
    bool on_array_begin(error_code&) {
        ++depth_;
        return true;
    }
    bool on_array_end(std::size_t size, error_code&) {
        if (capturing())
            metadata_.push_array(size);
        --depth_;
        return true;
    }

    bool on_key_part(string_view part, std::size_t, error_code&) {
        if (capturing())
            metadata_.push_chars(part);
        else if (depth_ == 1)
            key_.append(part);
        return true;
    }
    bool on_key(string_view last, std::size_t, error_code&) {
        if (capturing()) {
            metadata_.push_key(last);
        } else if (depth_ == 1 && key_.size == 0 && !key_.overflowed) {
            begin_field(last); // the whole key in one piece, as usual: nothing to gather
        } else if (depth_ == 1) {
            key_.append(last);
            begin_field(key_.overflowed ? "" : key_.view());
            key_.clear();
        }
        return true;
    }

    bool on_string_part(string_view part, std::size_t, error_code&) {
        if (capturing())
            metadata_.push_chars(part);
        else if (depth_ == 1 && text_ != nullptr)
            text_->append(part.data(), part.size());
        return true;
    }
    bool on_string(string_view last, std::size_t, error_code&) {
        if (capturing()) {
            metadata_.push_string(last);
        } else if (depth_ == 1 && text_ != nullptr) {
            text_->append(last.data(), last.size());
            if (is_required(field_) && !text_->empty())
                required_[static_cast<std::size_t>(field_)] = presence::text;
        }
        return true;
    }

    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t value, string_view, error_code&) {
        if (capturing())
            metadata_.push_int64(value);
        else if (depth_ == 1 && field_ == session_field::session_number)
            out_.session_number = value;
        else if (depth_ == 1 && field_ == session_field::workflow_version)
            out_.workflow_version = value;
        return true;
    }
    bool on_uint64(std::uint64_t value, string_view, error_code&) {
        if (capturing())
            metadata_.push_uint64(value);
        return true;
    }
    bool on_double(double value, string_view, error_code&) {
        if (capturing())
            metadata_.push_double(value);
        return true;
    }
    bool on_bool(bool value, error_code&) {
        if (capturing())
            metadata_.push_bool(value);
        return true;
    }
    bool on_null(error_code&) {
        if (capturing())
            metadata_.push_null();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

private:
    /// A key no longer than the longest field name; longer ones are none of ours.
    struct short_key {
        std::array<char, 24> text{};
        std::size_t size = 0;
        bool overflowed = false;
        void append(string_view part) {
            if (part.size() > text.size() - size) {
                overflowed = true;
                return;
            }
            part.copy(text.data() + size, part.size());
            size += part.size();
        }
        std::string_view view() const { return {text.data(), size}; }
        void clear() {
            size = 0;
            overflowed = false;
        }
    };

    static bool is_required(session_field field) {
        return field == session_field::session_id || field == session_field::session_token ||
               field == session_field::url;
    }

    /// Inside the metadata object (its own begin and end included).
    bool capturing() const { return capturing_ && depth_ >= 2; }

    /// A field's key arrived: a repeated key starts over, as the last occurrence counts.
    void begin_field(std::string_view name) {
        auto* known = find_field(name);
        auto field = known != nullptr ? known->field : session_field::other;
        field_ = field;
        text_ = known != nullptr && known->text != nullptr ? &(out_.*known->text) : nullptr;
        if (text_ != nullptr)
            text_->clear();
        else if (field == session_field::session_number)
            out_.session_number.reset();
        else if (field == session_field::workflow_version)
            out_.workflow_version.reset();
        else if (field == session_field::metadata)
            out_.metadata = nullptr;
        if (is_required(field))
            required_[static_cast<std::size_t>(field)] = presence::not_text;
    }

    session& out_;
    boost::json::value_stack metadata_;
    short_key key_;
    session_field field_ = session_field::other;
    std::string* text_ = nullptr; ///< where the current field's string goes, if it is one
    std::size_t depth_ = 0;
    bool top_level_is_object_ = false;
    bool capturing_ = false; ///< the metadata object is being rebuilt
    std::array<presence, 4> required_{};
};

/// The diagnostics of a required field that is missing or not a non-empty string.
bool check_required(const session_handler& handler, session_field field, std::string_view name,
                    diagnostics& diag) {
    switch (handler.required(field)) {
    case presence::text:
        return true;
    case presence::absent:
        diag.message = "the response has no field '" + std::string{name} + "'";
        return false;
    case presence::not_text:
        break;
    }
    diag.message = "the response field '" + std::string{name} + "' is not a non-empty string";
    return false;
}

} // namespace

boost::system::error_code read_session(std::string_view body, diagnostics& diag, session& into) {
    boost::json::basic_parser<session_handler> parser{boost::json::parse_options{}, into};
    error_code ec;
    auto used = parser.write_some(false, body.data(), body.size(), ec);
    if (!ec && used < body.size())
        ec = boost::json::error::extra_data;
    if (ec) {
        diag.message = "the response body is not valid JSON: " + ec.message();
        return error::invalid_response;
    }
    const auto& handler = parser.handler();
    if (!handler.top_level_is_object()) {
        diag.message = "the response body is not a JSON object";
        return error::invalid_response;
    }
    if (!check_required(handler, session_field::session_id, "session_id", diag) ||
        !check_required(handler, session_field::session_token, "session_token", diag) ||
        !check_required(handler, session_field::url, "url", diag))
        return error::invalid_response;
    return {};
}

boost::system::result<session> parse_session(std::string_view body, diagnostics& diag) {
    session created;
    if (auto ec = read_session(body, diag, created))
        return ec;
    return created;
}

} // namespace didit::detail
