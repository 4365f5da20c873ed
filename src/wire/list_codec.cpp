#include "wire/list_codec.hpp"

#include <utility>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace didit::detail {

std::string check_session_query(const session_query& query) {
    if (query.limit && *query.limit == 0)
        return "session_query.limit must be at least 1";
    return {}; // every text is percent-encoded, so none can change the request
}

std::string session_list_target(std::string_view path, const session_query& query,
                                std::uint64_t offset) {
    boost::urls::url target;
    target.set_path(path);
    auto params = target.params();
    auto add = [&](std::string_view name, std::string_view value) {
        if (!value.empty())
            params.append({name, value});
    };
    add("session_kind", query.session_kind);
    add("vendor_data", query.vendor_data);
    add("status", query.status);
    add("workflow_id", query.workflow_id);
    add("country", query.country);
    add("date_from", query.date_from);
    add("date_to", query.date_to);
    add("search", query.search);
    if (query.limit)
        add("limit", std::to_string(*query.limit));
    if (offset != 0)
        add("offset", std::to_string(offset));
    return std::string{target.buffer()};
}

std::string users_target(const user_query& query) {
    boost::urls::url target;
    target.set_path("/v3/users/");
    auto params = target.params();
    for (auto [name, value] : {std::pair{"status", query.status}, std::pair{"search", query.search},
                               std::pair{"country", query.country}})
        if (!value.empty())
            params.append({name, value});
    if (query.limit)
        params.append({"limit", std::to_string(*query.limit)});
    return std::string{target.buffer()};
}

std::optional<std::string> link_query(std::string_view next) {
    auto link = boost::urls::parse_uri_reference(next);
    if (!link || !link->has_query() || link->encoded_query().empty() ||
        link->encoded_query().size() > 4096)
        return std::nullopt;
    return std::string{link->encoded_query()};
}

std::optional<std::string> next_page_query(std::string_view next) {
    auto link = boost::urls::parse_uri_reference(next);
    if (!link || !link_query(next))
        return std::nullopt;
    auto offset = link->params().find("offset");
    if (offset == link->params().end() || !(*offset).has_value || (*offset).value.empty() ||
        (*offset).value.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::string{link->encoded_query()};
}

} // namespace didit::detail

namespace didit {

std::string user_path(std::string_view vendor_data, std::string_view action) {
    boost::urls::url path;
    path.segments().assign({"v3", "users", vendor_data, ""}); // "" keeps the trailing slash
    std::string out{path.buffer()};
    if (out.front() != '/')
        out.insert(0, 1, '/');
    return out.append(action);
}

} // namespace didit
