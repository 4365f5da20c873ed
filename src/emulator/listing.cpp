#include "listing.hpp"

#include "decisions.hpp"

#include <didit/decision.hpp>

#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace didit::emulator::detail {

namespace json = boost::json;

namespace {

std::optional<std::uint64_t> number_param(const boost::urls::params_view& params,
                                          std::string_view name, std::uint64_t fallback,
                                          json::object& errors) {
    auto found = params.find(name);
    if (found == params.end())
        return fallback;
    std::string value = (*found).value;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size()) {
        errors[name] = json::array{"A valid integer is required."};
        return std::nullopt;
    }
    return n;
}

std::string param(const boost::urls::params_view& params, std::string_view name) {
    auto found = params.find(name);
    return found == params.end() ? std::string{} : std::string{(*found).value};
}

/// The statuses of a comma-separated filter, in either the display or the enum form.
std::vector<open_enum<session_status>> statuses_of(std::string_view text) {
    std::vector<open_enum<session_status>> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        out.push_back(parse_session_status(text.substr(0, comma)));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return out;
}

bool status_matches(const std::vector<open_enum<session_status>>& wanted, std::string_view status) {
    auto have = parse_session_status(status);
    return std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) {
        return w.value == have.value && (w.value != session_status::other || w.text == have.text);
    });
}

json::value page_link(std::string_view origin, std::string_view target, std::uint64_t offset) {
    boost::urls::url link{std::string{origin} + std::string{target}};
    link.params().set("offset", std::to_string(offset));
    return json::value(link.buffer());
}

} // namespace

bool list_page(const std::vector<const session_record*>& sessions, std::string_view origin,
               std::string_view target, json::object& page) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) {
        page = {{"detail", "Malformed query."}};
        return false;
    }
    auto params = parsed->params();
    json::object errors;
    auto limit = number_param(params, "limit", 50, errors);
    auto offset = number_param(params, "offset", 0, errors);
    if (limit && *limit == 0)
        errors["limit"] = json::array{"Ensure this value is greater than or equal to 1."};
    if (!errors.empty()) {
        page = std::move(errors);
        return false;
    }
    auto kind = param(params, "session_kind");
    if (kind.empty())
        kind = "user";
    if (kind != "user" && kind != "business" && kind != "all") {
        page = {{"session_kind", json::array{"\"" + kind + "\" is not a valid choice."}}};
        return false;
    }
    auto vendor_data = param(params, "vendor_data");
    auto wanted = statuses_of(param(params, "status"));
    auto workflow_id = param(params, "workflow_id");
    auto search = param(params, "search");
    auto country = param(params, "country");
    auto date_from = param(params, "date_from");
    auto date_to = param(params, "date_to");

    // With session_kind=all, the KYC and the KYB sessions are paged side by side: one page
    // holds up to `limit` of each (API reference 2.5).
    std::vector<const session_record*> users;
    std::vector<const session_record*> businesses;
    for (const auto* s : sessions) {
        bool keep = (vendor_data.empty() || s->vendor_data == vendor_data) &&
                    (wanted.empty() || status_matches(wanted, s->status)) &&
                    (workflow_id.empty() || s->workflow_id == workflow_id) &&
                    (search.empty() || search_matches(*s, search)) &&
                    (country.empty() || document_country(*s) == country) &&
                    (date_from.empty() || s->created_at >= date_from) &&
                    (date_to.empty() || s->created_at.substr(0, date_to.size()) <= date_to);
        if (keep)
            (s->session_kind == "business" ? businesses : users).push_back(s);
    }
    auto newest_first = [](const auto* a, const auto* b) {
        return a->session_number > b->session_number;
    };
    std::sort(users.begin(), users.end(), newest_first);
    std::sort(businesses.begin(), businesses.end(), newest_first);
    if (businesses.size() > 100) // the service counts (and pages) at most 100 KYB sessions
        businesses.resize(100);
    if (kind == "user")
        businesses.clear();
    if (kind == "business")
        users.clear();

    // At most 1000 rows of a kind a page (the reference names no cap; this one keeps the
    // arithmetic bounded); an offset past the end gives none.
    const std::uint64_t size = std::min<std::uint64_t>(*limit, 1000);
    json::array results;
    std::uint64_t longest = std::max(users.size(), businesses.size());
    for (const auto* kind_rows : {&users, &businesses}) {
        const std::uint64_t start = std::min<std::uint64_t>(*offset, kind_rows->size());
        const std::uint64_t end = start + std::min<std::uint64_t>(size, kind_rows->size() - start);
        for (auto i = start; i < end; ++i)
            results.push_back(list_row_json(*(*kind_rows)[i]));
    }
    const std::uint64_t start = std::min<std::uint64_t>(*offset, longest);
    const std::uint64_t end = start + std::min<std::uint64_t>(size, longest - start);
    page = {{"count", users.size() + businesses.size()},
            {"next", end < longest ? page_link(origin, target, end) : json::value{}},
            {"previous", *offset > 0 ? page_link(origin, target, start > size ? start - size : 0)
                                     : json::value{}},
            {"results", std::move(results)}};
    return true;
}

} // namespace didit::emulator::detail
