#include "routes.hpp"

#include "checks.hpp"
#include "resources.hpp"

namespace didit::emulator::detail {

namespace http = boost::beast::http;

namespace {

/// Splits "/v3/session/<id>/<rest>" into the generation, id and rest.
bool per_session(std::string_view target, api_generation& generation, std::string_view& id,
                 std::string_view& rest) {
    if (target.starts_with("/v1/session/"))
        generation = api_generation::v1;
    else if (target.starts_with("/v3/session/"))
        generation = api_generation::v3;
    else
        return false;
    target.remove_prefix(std::string_view{"/v1/session/"}.size());
    auto slash = target.find('/');
    if (slash == 0 || slash == std::string_view::npos)
        return false;
    id = target.substr(0, slash);
    rest = target.substr(slash + 1);
    return true;
}

} // namespace

route parse_route(http::verb method, std::string_view target) {
    route r;
    auto path = target.substr(0, target.find('?'));
    if (is_check_path(path) && method == http::verb::post) {
        r.where = endpoint::standalone_check;
        r.generation = api_generation::v3;
        return r;
    }
    if (is_account_path(path)) {
        r.where = endpoint::account;
        r.generation = api_generation::v3;
        return r;
    }
    if (is_resource_path(path)) {
        r.where = endpoint::management;
        r.generation = api_generation::v3;
        return r;
    }
    if (method == http::verb::post && (target == "/auth/v2/token/" || target == "/auth/v2/token")) {
        r.where = endpoint::token;
        return r;
    }
    if (method == http::verb::post && (target == "/v1/session/" || target == "/v3/session/")) {
        r.where = endpoint::create_session;
        r.generation = target[2] == '1' ? api_generation::v1 : api_generation::v3;
        return r;
    }
    if (method == http::verb::post && target == "/v3/sessions/delete/") {
        r.where = endpoint::batch_delete;
        r.generation = api_generation::v3;
        return r;
    }
    if (method == http::verb::get) {
        auto query_at = target.find('?');
        auto path = target.substr(0, query_at);
        if (path == "/v3/sessions/") {
            r.where = endpoint::list_sessions;
            r.generation = api_generation::v3;
            return r;
        }
        constexpr std::string_view jobs = "/v3/sessions/delete/";
        if (path.starts_with(jobs) && path.size() > jobs.size() + 1 && path.ends_with("/") &&
            path.substr(jobs.size(), path.size() - jobs.size() - 1).find('/') ==
                std::string_view::npos) {
            r.where = endpoint::batch_delete_job;
            r.generation = api_generation::v3;
            r.session_id = path.substr(jobs.size(), path.size() - jobs.size() - 1); // the job id
            return r;
        }
        if (path == "/v3/sessions") {
            r.redirect_to = "/v3/sessions/";
            if (query_at != std::string_view::npos)
                r.redirect_to += target.substr(query_at);
            return r;
        }
    }
    std::string_view id, rest;
    if (!per_session(target, r.generation, id, rest))
        return r;
    bool v1 = r.generation == api_generation::v1;
    if (method == http::verb::patch && (rest == "update-status/" || (v1 && rest == "status/")))
        r.where = endpoint::update_status;
    else if (method == http::verb::delete_ && rest == "delete/")
        r.where = endpoint::delete_session;
    else if (method == http::verb::get && rest == "generate-pdf/")
        r.where = endpoint::generate_pdf;
    else if (method == http::verb::get && rest == "decision/")
        r.where = endpoint::decision;
    else if (method == http::verb::get && !v1 && rest == "generate-pdf") {
        // API reference 2.7: redirected, and the redirect drops the API key.
        r.redirect_to = std::string{target} + "/";
        return r;
    } else
        return r;
    r.session_id = id;
    return r;
}

} // namespace didit::emulator::detail
