#include "resources.hpp"

#include "random_ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

namespace didit::emulator::detail {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 10> top_resources{
    "users", "businesses",   "blocklist", "workflows",     "questionnaires",
    "lists", "transactions", "webhook",   "customization", "billing"};

/// The path's segments after "/v3/", without the trailing slash's empty one.
std::vector<std::string_view> segments_of(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(std::min<std::size_t>(path.size(), 4));
    while (!path.empty()) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

std::string_view path_of(const http_request& request) {
    auto target = request.target();
    return {target.data(),
            target.find('?') == std::string_view::npos ? target.size() : target.find('?')};
}

std::optional<std::string> query_value(const http_request& request, std::string_view key) {
    auto parsed = boost::urls::parse_origin_form(request.target());
    if (!parsed)
        return std::nullopt;
    auto params = parsed->params();
    auto found = params.find(key);
    if (found == params.end())
        return std::nullopt;
    return std::string{(*found).value};
}

const json::object* body_object(const http_request& request, json::value& storage) {
    boost::system::error_code ec;
    storage = json::parse(request.body(), ec);
    return ec || !storage.is_object() ? nullptr : &storage.get_object();
}

http_response not_found(const http_request& request) {
    return detail_response(request, http::status::not_found, "Not found.");
}

std::optional<std::size_t> number_of(std::string_view text) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// A DRF limit/offset page of `rows`: `{count, next, previous, results}`, `count` capped at
/// `count_cap` when set (as the users and deliveries listings do). Fails with the 400 to send.
std::optional<http_response> page_of(const http_request& request, std::string_view origin,
                                     const std::vector<const json::object*>& rows,
                                     std::size_t default_limit, std::size_t max_limit,
                                     std::optional<std::size_t> count_cap, json::object& page) {
    std::size_t limit = default_limit;
    std::size_t offset = 0;
    if (auto text = query_value(request, "limit")) {
        auto value = number_of(*text);
        if (!value || *value < 1 || *value > max_limit)
            return field_error(request, "limit",
                               "Ensure this value is between 1 and " + std::to_string(max_limit) +
                                   ".");
        limit = *value;
    }
    if (auto text = query_value(request, "offset")) {
        auto value = number_of(*text);
        if (!value)
            return field_error(request, "offset", "A valid integer is required.");
        offset = *value;
    }
    json::array results;
    for (auto i = offset; i < rows.size() && i < offset + limit; ++i)
        results.push_back(*rows[i]);
    auto link = [&](std::size_t at) {
        boost::urls::url url{std::string{origin} + std::string{request.target()}};
        url.params().set("limit", std::to_string(limit));
        url.params().set("offset", std::to_string(at));
        return json::value(url.buffer());
    };
    page["count"] = count_cap ? std::min(rows.size(), *count_cap) : rows.size();
    page["next"] = offset + limit < rows.size() ? link(offset + limit) : json::value(nullptr);
    page["previous"] =
        offset > 0 ? link(offset > limit ? offset - limit : 0) : json::value(nullptr);
    page["results"] = std::move(results);
    return std::nullopt;
}

http_response page_response(const http_request& request, std::string_view origin,
                            const std::vector<const json::object*>& rows, std::size_t default_limit,
                            std::size_t max_limit,
                            std::optional<std::size_t> count_cap = std::nullopt) {
    json::object page;
    if (auto refusal = page_of(request, origin, rows, default_limit, max_limit, count_cap, page))
        return std::move(*refusal);
    return json_response(request, http::status::ok, page);
}

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> choices) {
    return std::find(choices.begin(), choices.end(), value) != choices.end();
}

/// Fields a PATCH may not change.
bool read_only(std::string_view field) {
    return is_one_of(field, {"uuid", "vendor_data", "didit_internal_id", "created_at"});
}

std::string text_of(const json::object& object, std::string_view key) {
    auto found = object.if_contains(key);
    return found && found->is_string() ? std::string{found->get_string()} : std::string{};
}

bool flag(const json::object& object, std::string_view key) {
    auto found = object.if_contains(key);
    return found && found->is_bool() && found->get_bool();
}

json::object new_user(std::string_view vendor_data, std::string_view now) {
    return {{"didit_internal_id", random_uuid()},
            {"vendor_data", vendor_data},
            {"display_name", nullptr},
            {"full_name", nullptr},
            {"effective_name", vendor_data},
            {"status", "ACTIVE"},
            {"portrait_image_url", nullptr},
            {"session_count", 0},
            {"approved_count", 0},
            {"declined_count", 0},
            {"in_review_count", 0},
            {"issuing_states", json::array{}},
            {"approved_emails", json::array{}},
            {"approved_phones", json::array{}},
            {"last_session_at", nullptr},
            {"metadata", nullptr},
            {"created_at", now}};
}

std::string random_secret() {
    return std::string{"whsec_"}.append(random_hex(16));
}

} // namespace

boost::json::object* collection::find(const std::string& key) {
    auto found = rows.find(key);
    return found == rows.end() ? nullptr : &found->second;
}

void collection::put(const std::string& key, json::object row) {
    if (rows.find(key) == rows.end())
        order.push_back(key);
    rows[key] = std::move(row);
}

bool collection::erase(const std::string& key) {
    if (rows.erase(key) == 0)
        return false;
    order.erase(std::find(order.begin(), order.end(), key));
    return true;
}

std::vector<const json::object*> collection::newest_first() const {
    std::vector<const json::object*> out;
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        out.push_back(&rows.at(*it));
    return out;
}

bool is_resource_path(std::string_view path) {
    if (!path.starts_with("/v3/"))
        return false;
    auto parts = segments_of(path);
    if (parts.empty())
        return false;
    if (std::find(top_resources.begin(), top_resources.end(), parts[0]) != top_resources.end())
        return true;
    if (parts[0] == "sessions")
        return parts.size() >= 3 && parts[2] == "reviews";
    if (parts[0] == "session" && parts.size() >= 2)
        return parts[1] == "import-shared" || parts[1] == "imports" ||
               (parts.size() >= 3 &&
                is_one_of(parts[2], {"update-data", "update-poa-data", "share"}));
    return false;
}

bool is_account_path(std::string_view path) {
    return path.starts_with("/auth/v2/programmatic/") ||
           path.starts_with("/auth/v2/organizations/");
}

resource_desk::resource_desk(std::string webhook_secret, std::string client_id, std::string api_key)
    : initial_secret_(std::move(webhook_secret)), client_id_(std::move(client_id)),
      api_key_(std::move(api_key)) {
    seed();
}

http_response resource_desk::account(const http_request& request,
                                     std::chrono::system_clock::time_point now) {
    auto path = path_of(request);
    auto application = json::object{{"uuid", application_},
                                    {"name", "Emulated application"},
                                    {"client_id", client_id_},
                                    {"api_key", api_key_},
                                    {"created_at", iso_time(now)}};
    auto organization = json::object{{"uuid", organization_}, {"name", "Emulated organization"}};
    if (path.starts_with("/auth/v2/organizations/")) {
        auto bearer = std::string{request[http::field::authorization]};
        bool known = bearer.starts_with("Bearer ") &&
                     std::find(access_tokens_.begin(), access_tokens_.end(), bearer.substr(7)) !=
                         access_tokens_.end();
        if (!known)
            return detail_response(request, http::status::unauthorized,
                                   "Authentication credentials were not provided.");
        std::string_view rest = path.substr(std::string_view{"/auth/v2/organizations/me/"}.size());
        if (!path.starts_with("/auth/v2/organizations/me/"))
            return not_found(request);
        if (rest.empty())
            return json_response(request, http::status::ok, json::array{organization});
        if (!rest.starts_with(organization_ + "/applications/"))
            return not_found(request);
        rest.remove_prefix(organization_.size() + std::string_view{"/applications/"}.size());
        if (rest.empty())
            return json_response(request, http::status::ok, json::array{application});
        if (rest == application_ + "/")
            return json_response(request, http::status::ok, application);
        return not_found(request);
    }
    json::value storage;
    auto body = body_object(request, storage);
    if (request.method() != http::verb::post)
        return detail_response(request, http::status::method_not_allowed, "Method not allowed.");
    if (body == nullptr)
        return not_json(request);
    auto email = text_of(*body, "email");
    if (email.empty())
        return field_error(request, "email", "This field is required.");
    auto action = path.substr(std::string_view{"/auth/v2/programmatic/"}.size());
    auto found = accounts_.find(email);
    if (action == "register/") {
        auto password = text_of(*body, "password");
        if (password.size() < 8)
            return field_error(request, "password", "Use at least 8 characters.");
        if (found != accounts_.end())
            return field_error(request, "email", "An account with this e-mail already exists.");
        accounts_[email] = {password, false};
        return json_response(request, http::status::created,
                             json::object{{"message", "A verification code was sent."}});
    }
    if (found == accounts_.end())
        return detail_response(request, http::status::not_found, "No such account.");
    if (action == "resend-otp/")
        return json_response(request, http::status::ok,
                             json::object{{"message", "A verification code was sent."}});
    auto token = random_hex(20);
    auto tokens = json::object{{"access_token", token}, {"refresh_token", random_hex(20)}};
    if (action == "verify-email/") {
        if (text_of(*body, "code") != "123456")
            return field_error(request, "code", "The code is not correct.");
        found->second.verified = true;
        access_tokens_.push_back(token);
        tokens["organization"] = organization;
        tokens["application"] = application;
        return json_response(request, http::status::ok, tokens);
    }
    if (action == "login/") {
        if (!found->second.verified || text_of(*body, "password") != found->second.password)
            return detail_response(request, http::status::unauthorized,
                                   "No active account found with the given credentials.");
        access_tokens_.push_back(token);
        return json_response(request, http::status::ok, tokens);
    }
    return not_found(request);
}

void resource_desk::seed() {
    webhook_config_ = {{"webhook_url", configured_url_.empty() ? json::value(nullptr)
                                                               : json::value(configured_url_)},
                       {"webhook_version", "v3"},
                       {"secret_shared_key", initial_secret_},
                       {"capture_method", "both"},
                       {"data_retention_months", nullptr}};
    default_destination_ = random_uuid();
    auto& destinations = generic_["destinations"];
    destinations.put(default_destination_, {{"uuid", default_destination_},
                                            {"url", nullptr},
                                            {"webhook_version", "v3"},
                                            {"subscribed_events", json::array{"status.updated"}},
                                            {"secret_shared_key", initial_secret_},
                                            {"is_default", true}});
    auto& workflows = generic_["workflows"];
    for (auto [label, type, is_default] :
         {std::tuple{"KYC", "kyc", true}, std::tuple{"KYB", "kyb", false}}) {
        auto uuid = random_uuid();
        workflows.put(uuid, {{"uuid", uuid},
                             {"workflow_id", uuid},
                             {"workflow_label", label},
                             {"workflow_type", type},
                             {"is_default", is_default},
                             {"features", json::array{"OCR", "LIVENESS", "FACE_MATCH"}},
                             {"total_price", "0.33"}});
    }
}

void resource_desk::webhook_configured(const std::string& url, const std::string& secret) {
    configured_url_ = url;
    initial_secret_ = secret;
    webhook_config_["webhook_url"] = url.empty() ? json::value(nullptr) : json::value(url);
    webhook_config_["secret_shared_key"] = secret;
}

void resource_desk::reset() {
    users_ = {};
    businesses_ = {};
    blocklist_.clear();
    deliveries_.clear();
    accounts_.clear();
    access_tokens_.clear();
    generic_.clear();
    balance_ = 1000.0;
    seed();
}

void resource_desk::note_session(const session_record& session, bool webhook_sent,
                                 std::chrono::system_clock::time_point now) {
    auto when = iso_time(now);
    if (!session.vendor_data.empty()) {
        auto* user = users_.find(session.vendor_data);
        if (user == nullptr) {
            users_.put(session.vendor_data, new_user(session.vendor_data, when));
            user = users_.find(session.vendor_data);
        }
        if (session.status == "Not Started")
            (*user)["session_count"] = (*user)["session_count"].to_number<std::int64_t>() + 1;
        auto counter = session.status == "Approved"    ? "approved_count"
                       : session.status == "Declined"  ? "declined_count"
                       : session.status == "In Review" ? "in_review_count"
                                                       : "";
        if (*counter != '\0')
            (*user)[counter] = (*user)[counter].to_number<std::int64_t>() + 1;
        (*user)["last_session_at"] = when;
    }
    if (!webhook_sent)
        return;
    auto uuid = random_uuid();
    deliveries_[default_destination_].put(uuid, {{"uuid", uuid},
                                                 {"event_type", "status.updated"},
                                                 {"session_id", session.session_id},
                                                 {"status", session.status},
                                                 {"attempt", 1},
                                                 {"http_status", nullptr},
                                                 {"response_time_ms", nullptr},
                                                 {"created_at", when}});
}

http_response resource_desk::answer(const http_request& request, std::string_view origin,
                                    const form_parser* form, const session_lookup& sessions,
                                    std::chrono::system_clock::time_point now) {
    auto path = path_of(request);
    auto parts = segments_of(path);
    auto rest =
        path.substr(4 + parts[0].size() + 1 > path.size() ? path.size() : 4 + parts[0].size() + 1);
    auto method = request.method();
    if (parts[0] == "users")
        return users(request, origin, rest, users_, "user", now);
    if (parts[0] == "businesses")
        return users(request, origin, rest, businesses_, "business", now);
    if (parts[0] == "blocklist")
        return blocklist(request, origin, rest, sessions, now);
    if (parts[0] == "webhook")
        return webhook(request, origin, rest, now);
    if (parts[0] == "billing") {
        if (rest == "balance/" && method == http::verb::get) {
            char text[32];
            std::snprintf(text, sizeof text, "%.4f", empty_ ? 0.0 : balance_);
            return json_response(request, http::status::ok,
                                 json::object{{"balance", text},
                                              {"auto_refill_enabled", false},
                                              {"auto_refill_amount", nullptr},
                                              {"auto_refill_threshold", nullptr}});
        }
        if (rest == "top-up/" && method == http::verb::post) {
            json::value storage;
            auto body = body_object(request, storage);
            if (body == nullptr)
                return not_json(request);
            auto amount = body->if_contains("amount_in_dollars");
            if (amount == nullptr || !amount->is_number() || amount->to_number<double>() < 50)
                return field_error(request, "amount_in_dollars", "The minimum top-up is 50.");
            auto id = std::string{"cs_test_"}.append(random_hex(12));
            return json_response(
                request, http::status::ok,
                json::object{{"checkout_session_id", id},
                             {"checkout_session_url",
                              std::string{"https://checkout.stripe.com/c/pay/"}.append(id)}});
        }
        return not_found(request);
    }
    if (parts[0] == "customization") {
        auto& settings = generic_["customization"];
        if (settings.rows.empty())
            settings.put("settings", {{"primary_color", "#2567FF"}, {"logo_url", nullptr}});
        auto& row = *settings.find("settings");
        if (method == http::verb::patch && form != nullptr) {
            if (!form->problem().empty())
                return detail_response(request, http::status::bad_request,
                                       "Multipart form parse error - " + form->problem());
            for (const auto& part : form->parts())
                row[part.name] = part.file_name ? json::value(std::string{"https://media.didit.me/"}
                                                                  .append(part.sha256)
                                                                  .append("/")
                                                                  .append(*part.file_name))
                                                : json::value(part.content);
        } else if (method != http::verb::get) {
            return detail_response(request, http::status::method_not_allowed,
                                   "Method not allowed.");
        }
        return json_response(request, http::status::ok, row);
    }
    if (parts[0] == "sessions" || parts[0] == "session") {
        // Reviews, shares, imports and reviewer overrides of a session.
        if (parts[0] == "sessions" || parts.size() >= 3) {
            auto id = parts[1];
            auto session = sessions(id);
            bool import = parts[0] == "session" && (id == "imports" || id == "import-shared");
            if (!import) {
                if (session == nullptr)
                    return not_found(request);
                if (parts[0] == "sessions") { // reviews
                    if (method == http::verb::get) {
                        json::array rows;
                        for (const auto& review : session->reviews)
                            rows.push_back(json::object{{"new_status", review.new_status},
                                                        {"comment", review.comment},
                                                        {"created_at", review.created_at}});
                        return json_response(request, http::status::ok,
                                             json::object{{"count", rows.size()},
                                                          {"next", nullptr},
                                                          {"previous", nullptr},
                                                          {"results", std::move(rows)}});
                    }
                    json::value storage;
                    auto body = body_object(request, storage);
                    if (body == nullptr)
                        return not_json(request);
                    session->reviews.push_back(
                        {session->status, text_of(*body, "comment"), iso_time(now)});
                    return json_response(request, http::status::created,
                                         json::object{{"comment", text_of(*body, "comment")},
                                                      {"created_at", iso_time(now)}});
                }
                if (parts[2] == "share")
                    return json_response(request, http::status::ok,
                                         json::object{{"share_token", random_hex(16)}});
                return json_response(
                    request, http::status::ok,
                    json::object{{"session_id", session->session_id}, {"updated", true}});
            }
        }
        auto after = rest.substr(std::min(rest.size(), parts[1].size() + 1)); // past "imports/"
        return generic(request, origin, "imports", after, now);
    }
    return generic(request, origin, parts[0], rest, now);
}

http_response resource_desk::users(const http_request& request, std::string_view origin,
                                   std::string_view rest, collection& people, std::string_view kind,
                                   std::chrono::system_clock::time_point now) {
    auto method = request.method();
    json::value storage;
    if (rest.empty() && method == http::verb::get) {
        auto status = query_value(request, "status");
        auto search = query_value(request, "search");
        auto country = query_value(request, "country");
        std::vector<const json::object*> rows;
        for (const auto& key : people.order) {
            const auto& row = people.rows.at(key);
            if (status && text_of(row, "status") != *status)
                continue;
            if (search && text_of(row, "vendor_data").find(*search) == std::string::npos &&
                text_of(row, "full_name").find(*search) == std::string::npos)
                continue;
            if (country) {
                const auto& states = row.at("issuing_states").get_array();
                if (std::find(states.begin(), states.end(), json::value(*country)) == states.end())
                    continue;
            }
            rows.push_back(&row);
        }
        return page_response(request, origin, rows, 50, 200, 100);
    }
    if (rest == "create/" && method == http::verb::post) {
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        auto vendor_data = text_of(*body, "vendor_data");
        if (vendor_data.empty())
            return field_error(request, "vendor_data", "This field is required.");
        if (people.find(vendor_data) != nullptr)
            return field_error(request, "vendor_data",
                               std::string{kind} + " with this vendor_data already exists.");
        auto row = new_user(vendor_data, iso_time(now));
        for (const auto& [key, value] : *body)
            if (!read_only(key))
                row[key] = value;
        people.put(vendor_data, row);
        return json_response(request, http::status::created, row);
    }
    if (rest == "delete/" && method == http::verb::post) {
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        std::size_t deleted = 0;
        if (flag(*body, "delete_all")) {
            deleted = people.rows.size();
            people = {};
        } else if (auto list = body->if_contains("vendor_data_list"); list && list->is_array()) {
            for (const auto& item : list->get_array())
                if (item.is_string() && people.erase(std::string{item.get_string()}))
                    ++deleted;
        } else {
            return field_error(request, "vendor_data_list",
                               "Give vendor_data_list or delete_all: true.");
        }
        return json_response(request, http::status::ok, json::object{{"deleted", deleted}});
    }
    // "<vendor_data>/" or "<vendor_data>/update-status/"; vendor_data arrives URL-encoded.
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0)
        return not_found(request);
    auto encoded = rest.substr(0, slash);
    auto slash_encoded = std::string{"/"}.append(encoded);
    auto decoded = boost::urls::parse_origin_form(slash_encoded);
    auto key = decoded ? std::string{(*decoded->segments().begin())} : std::string{encoded};
    auto action = rest.substr(slash + 1);
    auto* row = people.find(key);
    if (row == nullptr)
        return not_found(request);
    if (action.empty() && method == http::verb::get)
        return json_response(request, http::status::ok, *row);
    if ((action.empty() || action == "update-status/") && method == http::verb::patch) {
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        if (action == "update-status/") {
            auto status = text_of(*body, "status");
            if (!is_one_of(status, {"ACTIVE", "FLAGGED", "BLOCKED"}))
                return json_response(
                    request, http::status::bad_request,
                    json::object{{"status", json::array{std::string{"\""}.append(status).append(
                                                "\" is not a valid choice.")}},
                                 {"allowed", json::array{"ACTIVE", "FLAGGED", "BLOCKED"}}});
            (*row)["status"] = status;
        } else {
            for (const auto& [field, value] : *body)
                if (!read_only(field))
                    (*row)[field] = value; // metadata replaced, not merged
        }
        return json_response(request, http::status::ok, *row);
    }
    return not_found(request);
}

http_response resource_desk::blocklist(const http_request& request, std::string_view origin,
                                       std::string_view rest, const session_lookup& sessions,
                                       std::chrono::system_clock::time_point now) {
    auto method = request.method();
    if (rest.empty() && method == http::verb::get) {
        auto type = query_value(request, "item_type");
        std::vector<const json::object*> rows;
        for (auto it = blocklist_.rbegin(); it != blocklist_.rend(); ++it)
            if (!type || text_of(*it, "type") == *type)
                rows.push_back(&*it);
        return page_response(request, origin, rows, 50, 200);
    }
    bool add = rest == "add/";
    if ((!add && rest != "remove/") || method != http::verb::post)
        return not_found(request);
    json::value storage;
    auto body = body_object(request, storage);
    if (body == nullptr)
        return not_json(request);
    auto session_id = text_of(*body, "session_id");
    if (session_id.empty())
        return field_error(request, "session_id", "This field is required.");
    auto session = sessions(session_id);
    if (session == nullptr)
        return detail_response(request, http::status::not_found, "Session not found.");
    bool any = false;
    for (auto type : {"face", "document", "phone", "email"}) {
        auto field = std::string{add ? "blocklist_" : "unblock_"} + type;
        if (!flag(*body, field))
            continue;
        any = true;
        auto same = [&](const json::object& row) {
            return text_of(row, "type") == type && text_of(row, "session_id") == session_id;
        };
        std::erase_if(blocklist_, same);
        if (add)
            blocklist_.push_back({{"type", type},
                                  {"session_id", session_id},
                                  {"session_number", session->session_number},
                                  {"blocklisted_at", iso_time(now)},
                                  {"face_image", type == std::string_view{"face"}
                                                     ? json::value("https://media.didit.me/face")
                                                     : json::value(nullptr)},
                                  {"document_type", nullptr},
                                  {"document_number", nullptr},
                                  {"phone_number", nullptr},
                                  {"email", nullptr}});
    }
    if (!any)
        return detail_response(request, http::status::bad_request,
                               add ? "Set at least one of blocklist_face, blocklist_document, "
                                     "blocklist_phone, blocklist_email."
                                   : "Set at least one of unblock_face, unblock_document, "
                                     "unblock_phone, unblock_email.");
    return json_response(request, http::status::ok,
                         json::object{{"message", "Successfully updated blocklist."}});
}

http_response resource_desk::webhook(const http_request& request, std::string_view origin,
                                     std::string_view rest,
                                     std::chrono::system_clock::time_point now) {
    auto method = request.method();
    if (rest.empty()) {
        if (method == http::verb::get)
            return json_response(request, http::status::ok, webhook_config_);
        if (method != http::verb::patch)
            return detail_response(request, http::status::method_not_allowed,
                                   "Method not allowed.");
        json::value storage;
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        if (auto version = body->if_contains("webhook_version");
            version &&
            !(version->is_string() && is_one_of(version->get_string(), {"v1", "v2", "v3"})))
            return field_error(request, "webhook_version", "Must be v1, v2 or v3.");
        if (auto months = body->if_contains("data_retention_months");
            months && !months->is_null() &&
            !(months->is_int64() && months->get_int64() >= 1 && months->get_int64() <= 120))
            return field_error(request, "data_retention_months", "Must be 1 to 120, or null.");
        for (auto field :
             {"webhook_url", "webhook_version", "capture_method", "data_retention_months"})
            if (auto value = body->if_contains(field))
                webhook_config_[field] = *value;
        if (flag(*body, "rotate_secret_key"))
            webhook_config_["secret_shared_key"] = random_secret();
        if (webhook_listener_)
            webhook_listener_(text_of(webhook_config_, "webhook_url"),
                              text_of(webhook_config_, "secret_shared_key"));
        return json_response(request, http::status::ok, webhook_config_);
    }
    // destinations/[<uuid>/[deliveries/[<delivery>/resend/]]]
    if (!rest.starts_with("destinations/"))
        return not_found(request);
    rest.remove_prefix(std::string_view{"destinations/"}.size());
    auto slash = rest.find('/');
    if (slash != std::string_view::npos && rest.substr(slash + 1).starts_with("deliveries/")) {
        auto destination = std::string{rest.substr(0, slash)};
        if (generic_["destinations"].find(destination) == nullptr)
            return not_found(request);
        auto tail = rest.substr(slash + 1 + std::string_view{"deliveries/"}.size());
        auto& rows = deliveries_[destination];
        if (tail.empty() && method == http::verb::get) {
            auto from = query_value(request, "date_from");
            auto to = query_value(request, "date_to");
            std::vector<const json::object*> listed;
            for (const auto* row : rows.newest_first()) {
                auto day = text_of(*row, "created_at").substr(0, 10);
                if ((from && day < *from) || (to && day > *to))
                    continue;
                listed.push_back(row);
            }
            return page_response(request, origin, listed, 50, 200, 100);
        }
        auto end = tail.find('/');
        if (end == std::string_view::npos || tail.substr(end + 1) != "resend/" ||
            method != http::verb::post)
            return not_found(request);
        auto original = rows.find(std::string{tail.substr(0, end)});
        if (original == nullptr)
            return not_found(request);
        auto again = *original;
        auto uuid = random_uuid();
        again["uuid"] = uuid;
        again["attempt"] = (*original)["attempt"].to_number<std::int64_t>() + 1;
        again["created_at"] = iso_time(now);
        rows.put(uuid, again);
        return json_response(request, http::status::ok, again);
    }
    return generic(request, origin, "destinations", rest, now);
}

http_response resource_desk::generic(const http_request& request, std::string_view origin,
                                     std::string_view name, std::string_view rest,
                                     std::chrono::system_clock::time_point now) {
    auto& rows = generic_[std::string{name}];
    auto method = request.method();
    json::value storage;
    if (rest.empty() || rest == "template/") {
        if (method == http::verb::get) {
            if (rest == "template/")
                return json_response(
                    request, http::status::ok,
                    json::object{
                        {"columns", json::array{"vendor_data", "first_name", "last_name"}}});
            return page_response(request, origin, rows.newest_first(), 50, 200);
        }
        if (method != http::verb::post)
            return detail_response(request, http::status::method_not_allowed,
                                   "Method not allowed.");
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        auto row = *body;
        auto uuid = random_uuid();
        row["uuid"] = uuid;
        if (name == "transactions") { // the caller names its transactions
            if (text_of(row, "transaction_id").empty())
                row["transaction_id"] = uuid;
            uuid = text_of(row, "transaction_id");
        }
        if (name == "workflows")
            row["workflow_id"] = uuid;
        if (name == "destinations" && !row.contains("secret_shared_key"))
            row["secret_shared_key"] = random_secret();
        row["created_at"] = iso_time(now);
        rows.put(uuid, row);
        return json_response(request, http::status::created, row);
    }
    // "<uuid>/", or a sub-collection "<uuid>/<child>/[...]" (list entries, import errors).
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
        return not_found(request);
    auto key = std::string{rest.substr(0, slash)};
    auto child = rest.substr(slash + 1);
    auto* row = rows.find(key);
    if (row == nullptr)
        return not_found(request);
    if (!child.empty()) {
        auto child_name = child.substr(0, child.find('/'));
        auto child_rest = child.substr(
            child_name.size() + 1 > child.size() ? child.size() : child_name.size() + 1);
        if (child_rest == "face-upload/")
            child_rest = {};
        return generic(request, origin,
                       std::string{name} + "/" + key + "/" + std::string{child_name}, child_rest,
                       now);
    }
    if (method == http::verb::get)
        return json_response(request, http::status::ok, *row);
    if (method == http::verb::delete_) {
        rows.erase(key);
        return no_content(request);
    }
    if (method == http::verb::patch || method == http::verb::put) {
        auto body = body_object(request, storage);
        if (body == nullptr)
            return not_json(request);
        for (const auto& [field, value] : *body)
            if (!read_only(field))
                (*row)[field] = value;
        return json_response(request, http::status::ok, *row);
    }
    return detail_response(request, http::status::method_not_allowed, "Method not allowed.");
}

} // namespace didit::emulator::detail
