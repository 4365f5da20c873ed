#include "wire/check_codec.hpp"

#include "wire/json_reader.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <utility>

namespace didit::detail {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, check_status>, 10> statuses{{
    {"Approved", check_status::approved},
    {"Declined", check_status::declined},
    {"In Review", check_status::in_review},
    {"Not Finished", check_status::not_finished},
    {"Success", check_status::success},
    {"Retry", check_status::retry},
    {"Undeliverable", check_status::undeliverable},
    {"Blocked", check_status::blocked},
    {"Failed", check_status::failed},
    {"Expired or Not Found", check_status::expired_or_not_found},
}};

const json::object* object_at(const json::object& in, std::string_view key) {
    auto found = in.if_contains(key);
    return found != nullptr && found->is_object() ? &found->get_object() : nullptr;
}

/// Where the check's own fields are: under `feature`, or the shapes other pages document.
const json::object* feature_of(const json::object& top, std::string_view feature) {
    if (feature.empty())
        return &top;
    if (auto found = object_at(top, feature))
        return found;
    if (feature == "age_estimation") // the skill document's key
        if (auto found = object_at(top, "liveness"))
            return found;
    if (feature == "database_validation" && top.contains("status")) // the current reference
        return &top;
    return nullptr;
}

std::vector<check_warning> warnings_of(const json::object& in) {
    std::vector<check_warning> out;
    auto found = in.if_contains("warnings");
    if (found == nullptr || !found->is_array())
        return out;
    auto text = [](const json::object& row, std::string_view key) {
        auto value = row.if_contains(key);
        return value != nullptr && value->is_string() ? std::string{value->get_string()}
                                                      : std::string{};
    };
    for (const auto& item : found->get_array()) {
        if (!item.is_object())
            continue;
        const auto& row = item.get_object();
        out.push_back({text(row, "risk"), text(row, "log_type"), text(row, "short_description"),
                       text(row, "long_description"), text(row, "feature")});
    }
    return out;
}

std::optional<double> number_at(const json::object& in, std::string_view key) {
    auto found = in.if_contains(key);
    if (found == nullptr || !found->is_number())
        return std::nullopt;
    return found->to_number<double>();
}

std::string text_at(const json::object& in, std::string_view key) {
    auto found = in.if_contains(key);
    return found != nullptr && found->is_string() ? std::string{found->get_string()}
                                                  : std::string{};
}

} // namespace

check_status check_status_named(std::string_view text) {
    for (auto [name, status] : statuses)
        if (name == text)
            return status;
    return check_status::unknown;
}

error_code read_check_result(std::string_view body, std::string_view feature, check_result& out,
                             diagnostics& diag) {
    boost::system::error_code ec;
    out.body = json::parse(body, ec);
    if (ec || !out.body.is_object()) {
        diag.message = "the check's answer is not a JSON object";
        return error::invalid_response;
    }
    const auto& top = out.body.get_object();
    out.request_id = text_at(top, "request_id");
    if (out.request_id.empty()) {
        diag.message = "the check's answer has no request_id";
        return error::invalid_response;
    }
    const auto* own = feature_of(top, feature);
    if (own == nullptr) {
        diag.message = std::string{"the check's answer has no "}.append(feature).append(" object");
        return error::invalid_response;
    }
    out.feature = feature.empty() ? out.body : json::value(*own);
    auto status = own->if_contains("status");
    if (status == nullptr || !status->is_string()) {
        diag.message = feature.empty() ? std::string{"status must be a string"}
                                       : std::string{feature}.append(".status must be a string");
        return error::invalid_response;
    }
    out.status_text = status->get_string();
    out.status = check_status_named(out.status_text);
    out.score = number_at(*own, "score");
    out.warnings = warnings_of(*own);
    if (out.warnings.empty() && own != &top)
        out.warnings = warnings_of(top);
    out.age = number_at(*own, "age_estimation");
    if (auto total = number_at(*own, "total_matches"))
        out.total = static_cast<std::uint64_t>(*total);
    if (auto total = number_at(*own, "total_hits"))
        out.total = static_cast<std::uint64_t>(*total);
    out.document_type = text_at(*own, "document_type");
    out.match_type = text_at(*own, "match_type");
    out.message = text_at(*own, top.contains("reason") ? "reason" : "message");
    return {};
}

} // namespace didit::detail
