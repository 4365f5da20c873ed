#include "wire/json_reader.hpp"

#include <cmath>
#include <limits>

namespace didit::detail {

namespace json = boost::json;

namespace {

std::string_view kind_name(const json::value& value) {
    switch (value.kind()) {
    case json::kind::null:
        return "null";
    case json::kind::bool_:
        return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
        return "number";
    case json::kind::string:
        return value.get_string().empty() ? "empty string" : "string";
    case json::kind::array:
        return "array";
    case json::kind::object:
        return "object";
    }
    return "value";
}

} // namespace

void read_problem::set(const std::string& path, std::string_view expectation,
                       const json::value* got) {
    if (!message.empty())
        return; // the first problem explains the rest
    message = (path.empty() ? std::string{"the document"} : path) + " " + std::string{expectation};
    if (got != nullptr)
        message.append(" (got ").append(kind_name(*got)).append(")");
    else
        message.append(" (missing)");
}

field_reader::field_reader(const json::value& value, std::string path, read_problem& problem)
    : object_(value.if_object()), path_(std::move(path)), problem_(problem) {
    if (object_ == nullptr)
        problem_.set(path_, "must be an object", &value);
}

field_reader field_reader::nested(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr)
        return field_reader{nullptr, path_of(key), problem_};
    return field_reader{*found, path_of(key), problem_};
}

std::string field_reader::path_of(std::string_view key) const {
    return path_.empty() ? std::string{key} : path_ + "." + std::string{key};
}

const json::value* field_reader::find(std::string_view key) const {
    if (object_ == nullptr)
        return nullptr;
    const auto* found = object_->if_contains(key);
    return found == nullptr || found->is_null() ? nullptr : found;
}

std::optional<std::string> field_reader::text(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr || !found->is_string())
        return std::nullopt;
    return std::string{found->get_string()};
}

std::string field_reader::required_text(std::string_view key) const {
    const auto* found = object_ == nullptr ? nullptr : object_->if_contains(key);
    if (found == nullptr || !found->is_string() || found->get_string().empty()) {
        problem_.set(path_of(key), "must be a non-empty string", found);
        return {};
    }
    return std::string{found->get_string()};
}

std::optional<std::string> field_reader::strict_text(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr)
        return std::nullopt;
    if (!found->is_string()) {
        problem_.set(path_of(key), "must be a string", found);
        return std::nullopt;
    }
    return std::string{found->get_string()};
}

std::optional<std::int64_t> field_reader::integer(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr)
        return std::nullopt;
    if (const auto* i = found->if_int64())
        return *i;
    if (const auto* u = found->if_uint64(); u && *u <= std::numeric_limits<std::int64_t>::max())
        return static_cast<std::int64_t>(*u);
    if (const auto* d = found->if_double(); d && std::trunc(*d) == *d && std::abs(*d) < 9.0e18)
        return static_cast<std::int64_t>(*d);
    return std::nullopt;
}

std::optional<double> field_reader::number(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr || !found->is_number())
        return std::nullopt;
    return found->to_number<double>();
}

std::optional<bool> field_reader::boolean(std::string_view key) const {
    const auto* found = find(key);
    if (found == nullptr || !found->is_bool())
        return std::nullopt;
    return found->get_bool();
}

json::value field_reader::value(std::string_view key) const {
    const auto* found = find(key);
    return found == nullptr ? json::value{} : *found;
}

std::vector<std::string> field_reader::texts(std::string_view key) const {
    std::vector<std::string> out;
    const auto* found = find(key);
    if (found == nullptr || !found->is_array())
        return out;
    for (const auto& item : found->get_array())
        if (item.is_string())
            out.emplace_back(item.get_string());
    return out;
}

} // namespace didit::detail
