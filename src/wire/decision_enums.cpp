#include "wire/decision_enums.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace didit {
namespace {

/// Equal ignoring ASCII case, with '_' standing for ' ': the service writes some values in
/// display form ("In Review") and some in enum form ("IN_REVIEW").
bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    auto fold = [](char c) {
        if (c == '_')
            return ' ';
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fold(a[i]) != fold(b[i]))
            return false;
    return true;
}

/// Names indexed by enumerator; the last enumerator is `other`.
template <class E, std::size_t N>
open_enum<E> lookup(const std::array<std::string_view, N>& names, std::string_view text) {
    open_enum<E> result{E::other, std::string{text}};
    for (std::size_t i = 0; i < N; ++i)
        if (same_name(names[i], text))
            result.value = static_cast<E>(i);
    return result;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, E value) noexcept {
    auto index = static_cast<std::size_t>(value);
    return index < N ? names[index] : std::string_view{};
}

constexpr std::array<std::string_view, 10> session_status_names{
    "Not Started", "In Progress", "In Review",   "Approved",    "Declined",
    "Abandoned",   "Expired",     "Kyc Expired", "Resubmitted", "Awaiting User",
};
constexpr std::array<std::string_view, 8> feature_status_names{
    "Approved",    "Declined",        "In Review", "Not Finished",
    "Not Started", "Resub Requested", "Expired",   "Rejected",
};
constexpr std::array<std::string_view, 4> document_type_names{
    "Passport", "Identity Card", "Driver's License", "Residence Permit"};
constexpr std::array<std::string_view, 3> liveness_method_names{"ACTIVE_3D", "FLASHING", "PASSIVE"};
constexpr std::array<std::string_view, 3> warning_level_names{"information", "warning", "error"};
constexpr std::array<std::string_view, 2> entity_type_names{"person", "company"};

} // namespace

std::string_view to_string(session_status value) noexcept {
    return name_of(session_status_names, value);
}
std::string_view to_string(feature_status value) noexcept {
    return name_of(feature_status_names, value);
}
std::string_view to_string(document_type value) noexcept {
    return name_of(document_type_names, value);
}
std::string_view to_string(liveness_method value) noexcept {
    return name_of(liveness_method_names, value);
}
std::string_view to_string(warning_level value) noexcept {
    return name_of(warning_level_names, value);
}
std::string_view to_string(entity_type value) noexcept {
    return name_of(entity_type_names, value);
}

open_enum<session_status> parse_session_status(std::string_view text) {
    return lookup<session_status>(session_status_names, text);
}
open_enum<feature_status> parse_feature_status(std::string_view text) {
    return lookup<feature_status>(feature_status_names, text);
}

namespace detail {

open_enum<document_type> parse_document_type(std::string_view text) {
    return lookup<document_type>(document_type_names, text);
}
open_enum<liveness_method> parse_liveness_method(std::string_view text) {
    return lookup<liveness_method>(liveness_method_names, text);
}
open_enum<warning_level> parse_warning_level(std::string_view text) {
    return lookup<warning_level>(warning_level_names, text);
}
open_enum<entity_type> parse_entity_type(std::string_view text) {
    return lookup<entity_type>(entity_type_names, text);
}

} // namespace detail
} // namespace didit
