#pragma once
// Reading typed fields from the service's JSON. Tolerant where the service is loose (nulls,
// missing or unknown fields, an optional field of an unexpected type: left empty, the raw
// JSON keeps it) and strict where a caller relies on a value (a required field, or a
// container of the wrong type): the first such problem is recorded with the field's path.

#include <didit/decision.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit::detail {

/// The first problem met while reading one document, e.g. "id_verifications[0].status must
/// be a string (got number)". Empty while there is none.
struct read_problem {
    std::string message;
    explicit operator bool() const noexcept { return !message.empty(); }
    void set(const std::string& path, std::string_view expectation, const boost::json::value* got);
};

class field_reader {
public:
    /// Reads `value`, which must be an object (a problem is recorded otherwise).
    field_reader(const boost::json::value& value, std::string path, read_problem& problem);

    bool is_object() const noexcept { return object_ != nullptr; }

    std::optional<std::string> text(std::string_view key) const;
    std::optional<std::int64_t> integer(std::string_view key) const;
    std::optional<double> number(std::string_view key) const;
    std::optional<bool> boolean(std::string_view key) const;
    /// A copy of the field; null when it is missing.
    boost::json::value value(std::string_view key) const;
    std::vector<std::string> texts(std::string_view key) const;

    /// A string the caller cannot do without (an id, a status): missing, null, empty or another
    /// type is a problem.
    std::string required_text(std::string_view key) const;
    /// A string that may be missing or null, but whose other types are a problem (a key field
    /// such as a check's status, where a number means the document is not what we think).
    std::optional<std::string> strict_text(std::string_view key) const;

    template <class E, class Parse>
    std::optional<open_enum<E>> choice(std::string_view key, Parse parse) const {
        auto found = text(key);
        return found ? std::optional<open_enum<E>>{parse(*found)} : std::nullopt;
    }

    /// A nested object read by `read(value, path, problem)`; empty when missing or null.
    template <class T, class Read> std::optional<T> object(std::string_view key, Read read) const {
        const auto* found = find(key);
        if (found == nullptr)
            return std::nullopt;
        return read(*found, path_of(key), problem_);
    }

    /// An array whose items are read by `read(value, path, problem)`; empty when missing or
    /// null, a problem when it is something else.
    template <class T, class Read> std::vector<T> list(std::string_view key, Read read) const {
        std::vector<T> items;
        const auto* found = find(key);
        if (found == nullptr)
            return items;
        if (!found->is_array()) {
            problem_.set(path_of(key), "must be an array", found);
            return items;
        }
        const auto& array = found->get_array();
        items.reserve(array.size());
        for (std::size_t i = 0; i < array.size() && !problem_; ++i)
            items.push_back(read(array[i], path_of(key) + "[" + std::to_string(i) + "]", problem_));
        return items;
    }

    /// The reader of a nested object that may be missing or null (then every field is empty).
    field_reader nested(std::string_view key) const;

    std::string path_of(std::string_view key) const;

private:
    field_reader(const boost::json::object* object, std::string path, read_problem& problem)
        : object_(object), path_(std::move(path)), problem_(problem) {}
    /// The field, or null when it is missing or JSON null.
    const boost::json::value* find(std::string_view key) const;

    const boost::json::object* object_ = nullptr;
    std::string path_;
    read_problem& problem_;
};

} // namespace didit::detail
