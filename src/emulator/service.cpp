#include "service.hpp"

#include "answers.hpp"
#include "decisions.hpp"
#include "listing.hpp"
#include "negotiation.hpp"
#include "random_ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <optional>

namespace didit::emulator::detail {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

/// The request body as a JSON object (parsed into `storage`), or null.
const json::object* parse_object(const http_request& request, json::value& storage) {
    boost::system::error_code ec;
    storage = json::parse(request.body(), ec);
    return ec || !storage.is_object() ? nullptr : &storage.get_object();
}

std::optional<std::string> decode_basic(std::string_view header) {
    constexpr std::string_view prefix = "Basic ";
    if (header.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    auto encoded = header.substr(prefix.size());
    if (encoded.empty() || encoded.size() % 4 != 0)
        return std::nullopt;
    std::string decoded(encoded.size() / 4 * 3, '\0');
    auto n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                             reinterpret_cast<const unsigned char*>(encoded.data()),
                             static_cast<int>(encoded.size()));
    if (n < 0)
        return std::nullopt;
    auto padding = static_cast<std::size_t>(encoded.ends_with("==") ? 2 : encoded.ends_with("="));
    decoded.resize(static_cast<std::size_t>(n) - padding);
    return decoded;
}

bool form_has(std::string_view body, std::string_view pair) {
    while (!body.empty()) {
        auto end = body.find('&');
        if (body.substr(0, end) == pair)
            return true;
        if (end == std::string_view::npos)
            break;
        body.remove_prefix(end + 1);
    }
    return false;
}

bool is_http_url(std::string_view text) {
    auto url = boost::urls::parse_absolute_uri(text);
    return url &&
           (url->scheme_id() == boost::urls::scheme::https ||
            url->scheme_id() == boost::urls::scheme::http) &&
           !url->encoded_host().empty();
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36)
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = text[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return false;
    }
    return true;
}

/// The UI languages of API reference 2.2.
constexpr std::array<std::string_view, 52> valid_languages{
    "en", "ar", "bg", "bn", "bs", "ca", "cnr", "cs", "da", "de", "el",    "es", "et",
    "fa", "fi", "fr", "he", "hi", "hr", "hu",  "hy", "id", "it", "ja",    "ka", "kk",
    "ko", "ky", "lt", "lv", "mk", "mn", "ms",  "nl", "no", "pl", "pt-BR", "pt", "ro",
    "ru", "sk", "sl", "so", "sq", "sr", "sv",  "th", "tr", "uk", "uz",    "vi", "zh-CN"};
constexpr std::array<std::string_view, 2> more_languages{"zh-TW", "zh"};

bool is_language(std::string_view code) {
    for (auto known : valid_languages)
        if (code == known)
            return true;
    return code == more_languages[0] || code == more_languages[1];
}

/// The endpoints whose request has a JSON body.
bool takes_json(endpoint where) {
    return where == endpoint::create_session || where == endpoint::update_status ||
           where == endpoint::batch_delete;
}

http_response moved_permanently(const http_request& request, std::string_view path) {
    http_response response{http::status::moved_permanently, request.version()};
    response.set(http::field::server, "didit-emulator");
    response.set(http::field::location,
                 "https://" + std::string{request[http::field::host]} + std::string{path});
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

constexpr std::array<std::string_view, 8> valid_features{
    "OCR",        "OCR + NFC",        "OCR + AML",        "OCR + NFC + AML",
    "OCR + FACE", "OCR + NFC + FACE", "OCR + FACE + AML", "OCR + NFC + FACE + AML",
};

} // namespace

service::service(const options& opts)
    : options_(opts), resources_(opts.webhooks.secret, opts.client_id, opts.api_key) {
    resources_.webhook_configured(opts.webhooks.url, opts.webhooks.secret);
}

route service::classify(const http_request& request) {
    return parse_route(request.method(), request.target());
}

http_response service::handle(const http_request& request, const route& to,
                              const form_parser* form) {
    std::lock_guard lock{mutex_};
    settle_deletion_jobs();
    if (!to.redirect_to.empty()) // Django redirects before any authentication
        return moved_permanently(request, to.redirect_to);
    if (to.where == endpoint::token)
        return issue_token(request);
    if (to.where == endpoint::account) // a person's login, not the application's key
        return resources_.account(request, clock::now());
    if (to.where == endpoint::other)
        return detail_response(request, http::status::not_found, "Not found.");
    // DRF negotiates the answer's type before it authenticates.
    auto answer_type = to.where == endpoint::generate_pdf ? "application/pdf" : "application/json";
    if (!accepts(request[http::field::accept], answer_type))
        return detail_response(request, http::status::not_acceptable,
                               "Could not satisfy the request Accept header.");
    if (auto refusal = check_credentials(request, to.generation))
        return std::move(*refusal);
    rate_note note;
    if (auto refusal = throttle(request, to, note))
        return std::move(*refusal);
    if (takes_json(to.where) &&
        !media_type_is(request[http::field::content_type], "application/json"))
        return detail_response(request, http::status::unsupported_media_type,
                               "Unsupported media type \"" +
                                   std::string{request[http::field::content_type]} +
                                   "\" in request.");
    auto response = answer(request, to, form);
    if (note.limit != 0) {
        response.set("X-RateLimit-Limit", std::to_string(note.limit));
        response.set("X-RateLimit-Remaining", std::to_string(note.remaining));
        response.set("X-RateLimit-Reset", std::to_string(note.reset_epoch));
    }
    return response;
}

http_response service::answer(const http_request& request, const route& to,
                              const form_parser* form) {
    switch (to.where) {
    case endpoint::standalone_check:
        return run_check(request, form);
    case endpoint::management:
        return resources_.answer(
            request, "https://" + std::string{request[http::field::host]}, form,
            [this](std::string_view id) { return find_session(id); }, clock::now());
    case endpoint::create_session:
        if (account_ == account_state::billing_suspended)
            return coded_response(request, http::status::forbidden,
                                  "Billing for this contract is suspended.",
                                  "contract_billing_suspended");
        return to.generation == api_generation::v3 ? create_workflow_session(request)
                                                   : create_session(request);
    case endpoint::update_status:
        return update_status(request, to);
    case endpoint::delete_session:
        return delete_session(request, to);
    case endpoint::generate_pdf:
        return generate_pdf(request, to);
    case endpoint::batch_delete:
        return batch_delete(request);
    case endpoint::batch_delete_job:
        return batch_delete_job(request, to);
    case endpoint::decision:
        return retrieve_decision(request, to);
    case endpoint::list_sessions:
        return list_sessions(request);
    default:
        return detail_response(request, http::status::not_found, "Not found.");
    }
}

std::optional<http_response> service::check_credentials(const http_request& request,
                                                        api_generation generation) {
    return generation == api_generation::v3 ? check_api_key(request) : check_bearer(request);
}

std::optional<http_response> service::throttle(const http_request& request, const route& to,
                                               rate_note& note) {
    if (!limits_)
        return std::nullopt;
    // Per identifier: the API key, else the bearer token's holder (one client here).
    std::string caller{request["x-api-key"]};
    if (caller.empty())
        caller = "v1-client";
    bool read = request.method() == http::verb::get;
    std::vector<std::pair<std::string, unsigned>> scopes;
    if (to.where == endpoint::create_session)
        scopes.emplace_back("create", limits_->create_session);
    if (to.where == endpoint::generate_pdf)
        scopes.emplace_back("pdf", limits_->generate_pdf);
    if (to.where == endpoint::decision)
        scopes.emplace_back("decision", limits_->retrieve_decision);
    scopes.emplace_back(read ? "generic-get" : "generic-write",
                        read ? limits_->generic_get : limits_->generic_write);

    auto now = clock::now();
    const auto window = std::chrono::duration_cast<clock::duration>(limits_->window);
    auto epoch_seconds = [](clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    };
    for (const auto& [scope, limit] : scopes) {
        auto& times = windows_[scope + "|" + caller];
        while (!times.empty() && now - times.front() >= window)
            times.pop_front();
        if (times.size() < limit)
            continue;
        ++counters_.throttled;
        auto reset = times.front() + window;
        auto wait = std::chrono::ceil<std::chrono::seconds>(reset - now).count();
        auto response = detail_response(request, http::status::too_many_requests,
                                        "Request was throttled. Expected available in " +
                                            std::to_string(wait) + " seconds.");
        response.set("X-RateLimit-Limit", std::to_string(limit));
        response.set("X-RateLimit-Remaining", "0");
        response.set("X-RateLimit-Reset", std::to_string(epoch_seconds(reset)));
        response.set(http::field::retry_after, std::to_string(wait));
        return response;
    }
    for (const auto& [scope, limit] : scopes)
        windows_[scope + "|" + caller].push_back(now);
    if (to.where == endpoint::create_session) {
        creates_let_through_.push_back(now);
        if (creates_let_through_.size() > max_creates_kept) // a long-running emulator
            creates_let_through_.pop_front();
    }
    // Every answer carries the figures of the request's first (its endpoint's) scope.
    const auto& [scope, limit] = scopes.front();
    const auto& times = windows_[scope + "|" + caller];
    note = {limit, static_cast<unsigned>(limit - times.size()),
            epoch_seconds(times.front() + window)};
    return std::nullopt;
}

std::optional<rate_limits> service::rate_limits_in_force() const {
    std::lock_guard lock{mutex_};
    return limits_;
}

void service::enable_rate_limits(rate_limits limits) {
    std::lock_guard lock{mutex_};
    limits_ = limits;
    windows_.clear();
}

void service::store(session_record& created) {
    created.session_id = random_uuid();
    created.session_token = random_hex(5);
    created.session_url = options_.verify_url + "/session/" + created.session_token;
    created.session_number = next_session_number_++;
    created.created_at = iso_time(clock::now());
    sessions_[created.session_id] = created;
    ++counters_.sessions_created;
    announce(created);
}

session_record* service::find_session(std::string_view session_id) {
    auto found = sessions_.find(std::string{session_id});
    return found == sessions_.end() || found->second.deleted ? nullptr : &found->second;
}

namespace {

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> choices) {
    for (auto choice : choices)
        if (value == choice)
            return true;
    return false;
}

} // namespace

http_response service::update_status(const http_request& request, const route& to) {
    auto* session = find_session(to.session_id);
    if (session == nullptr)
        return detail_response(request, http::status::not_found, "Not found.");
    json::value body;
    const auto* parsed = parse_object(request, body);
    if (parsed == nullptr)
        return not_json(request);
    const auto& fields = *parsed;
    auto* requested = fields.if_contains("new_status");
    bool v3 = to.generation == api_generation::v3;
    std::string new_status =
        requested && requested->is_string() ? std::string{requested->get_string()} : std::string{};
    bool allowed = v3 ? is_one_of(new_status, {"Approved", "Declined", "Resubmitted"})
                      : is_one_of(new_status, {"Approved", "Declined"});
    if (!allowed) {
        std::string why = requested ? "\"" + new_status + "\" is not a valid choice."
                                    : std::string{"This field is required."};
        return json_response(request, http::status::bad_request,
                             {{"new_status", json::array{why}}});
    }
    // The precondition is v3's (API reference 2.4); v1's update-status (1.4) names none.
    if (v3 && !is_one_of(session->status, {"Approved", "Declined", "In Review", "Kyc Expired",
                                           "Abandoned", "Resubmitted"}))
        return detail_response(request, http::status::bad_request,
                               "Cannot update the status of a session that is " + session->status +
                                   ".");
    if (new_status == "Resubmitted") {
        if (!is_one_of(session->status, {"Declined", "In Review", "Abandoned"}))
            return detail_response(request, http::status::bad_request,
                                   "Resubmission requires a Declined, In Review or Abandoned "
                                   "session.");
        auto* nodes = fields.if_contains("nodes_to_resubmit");
        if (nodes == nullptr || !nodes->is_array() || nodes->get_array().empty())
            return json_response(request, http::status::bad_request,
                                 {{"nodes_to_resubmit", json::array{"This field is required."}}});
    }
    // send_email is v3's; v1 has no such field and ignores it.
    if (auto* send = fields.if_contains("send_email");
        v3 && send && send->is_bool() && send->get_bool()) {
        auto* address = fields.if_contains("email_address");
        if (address == nullptr || !address->is_string() || address->get_string().empty())
            return json_response(request, http::status::bad_request,
                                 {{"email_address", json::array{"This field is required."}}});
    }
    session->status = new_status;
    std::string comment;
    if (auto* given = fields.if_contains("comment"); given && given->is_string())
        comment = given->get_string();
    session->reviews.push_back({new_status, std::move(comment), iso_time(clock::now())});
    announce(*session);
    json::object answer{{"session_id", session->session_id}};
    if (v3)
        answer["session_kind"] = "user";
    return json_response(request, http::status::ok, answer);
}

http_response service::delete_session(const http_request& request, const route& to) {
    auto* session = find_session(to.session_id);
    if (session == nullptr)
        return detail_response(request, http::status::not_found, "Not found.");
    session->deleted = true; // a second delete finds nothing
    if (to.generation == api_generation::v1 || options_.single_delete_no_content)
        return no_content(request);
    // Today's answer (API reference 2.6): 200 once the deletion is done, with what it did.
    return json_response(request, http::status::ok,
                         json::object{{"session_id", session->session_id},
                                      {"session_number", session->session_number},
                                      {"face_retention_outcome", "deleted"},
                                      {"biometric_template_uuid", nullptr},
                                      {"biometric_template_expires_at", nullptr},
                                      {"deleted_child_verifications", json::array{}}});
}

http_response service::generate_pdf(const http_request& request, const route& to) {
    auto* session = find_session(to.session_id);
    if (session == nullptr)
        return detail_response(request, http::status::not_found, "Not found.");
    // The eligible statuses are v3's (API reference 2.7); v1's PDF (1.5) names none.
    bool v3 = to.generation == api_generation::v3;
    if (v3 && !is_one_of(session->status, {"Approved", "Declined", "In Review", "Kyc Expired"}))
        return detail_response(request, http::status::forbidden,
                               "The PDF report is available once the session is finished.");
    http_response response{http::status::ok, request.version()};
    response.set(http::field::server, "didit-emulator");
    response.set(http::field::content_type, "application/pdf");
    response.set(http::field::content_disposition,
                 "attachment; filename=session_" + session->session_id + ".pdf");
    // Re-rendered on each call, as the service does: the bytes differ between calls.
    response.body() = "%PDF-1.4\n% didit emulator report\n% session " + session->session_id +
                      "\n% status " + session->status + "\n% rendered " + random_hex(8) +
                      "\n%%EOF\n";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

http_response service::batch_delete(const http_request& request) {
    json::value body;
    const auto* parsed = parse_object(request, body);
    if (parsed == nullptr)
        return not_json(request);
    const auto& fields = *parsed;
    std::vector<std::string> matched; // session ids
    if (auto* all = fields.if_contains("delete_all"); all && all->is_bool() && all->get_bool()) {
        for (auto& [id, session] : sessions_)
            if (!session.deleted)
                matched.push_back(id);
        return batch_answer(request, std::move(matched));
    }
    auto* numbers = fields.if_contains("session_numbers");
    if (numbers == nullptr || !numbers->is_array() || numbers->get_array().empty())
        return json_response(request, http::status::bad_request,
                             {{"session_numbers", json::array{"This list may not be empty."}}});
    // Integers, as Didit's own client and the reference's curl example send them, or digit
    // strings, as the field table has them; nothing else.
    std::vector<std::string> wanted;
    for (const auto& number : numbers->get_array()) {
        std::string digits;
        if (number.is_int64() && number.get_int64() >= 0)
            digits = std::to_string(number.get_int64());
        else if (number.is_uint64())
            digits = std::to_string(number.get_uint64());
        else if (number.is_string() && !number.get_string().empty() &&
                 number.get_string().find_first_not_of("0123456789") == json::string::npos)
            digits = number.get_string();
        if (digits.empty())
            return json_response(
                request, http::status::bad_request,
                {{"session_numbers", json::array{"A valid integer is required."}}});
        wanted.push_back(
            digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1)));
    }
    for (const auto& number : wanted)
        for (auto& [id, session] : sessions_)
            if (!session.deleted && std::to_string(session.session_number) == number)
                matched.push_back(id);
    return batch_answer(request, std::move(matched));
}

http_response service::batch_answer(const http_request& request, std::vector<std::string> matched) {
    if (options_.batch_delete_no_content) {
        for (const auto& id : matched)
            sessions_.at(id).deleted = true;
        return no_content(request);
    }
    if (matched.size() > options_.batch_job_threshold) {
        auto job_id = random_uuid();
        deletion_jobs_[job_id] = {std::move(matched), clock::now() + options_.batch_job_duration,
                                  false};
        return json_response(request, http::status::accepted,
                             {{"job_id", job_id}, {"status", "pending"}});
    }
    json::array results;
    for (const auto& id : matched) {
        auto& session = sessions_.at(id);
        session.deleted = true;
        results.push_back({{"session_id", id},
                           {"session_number", session.session_number},
                           {"status", "deleted"}});
    }
    return json_response(request, http::status::ok, {{"results", std::move(results)}});
}

http_response service::batch_delete_job(const http_request& request, const route& to) {
    auto job = deletion_jobs_.find(std::string{to.session_id});
    if (job == deletion_jobs_.end())
        return detail_response(request, http::status::not_found, "Not found.");
    auto& [job_id, state] = *job;
    if (!state.completed)
        return json_response(request, http::status::ok,
                             {{"job_id", job_id}, {"status", "pending"}});
    return json_response(
        request, http::status::ok,
        {{"job_id", job_id}, {"status", "completed"}, {"deleted_count", state.session_ids.size()}});
}

void service::settle_deletion_jobs() {
    auto now = clock::now();
    for (auto& [job_id, state] : deletion_jobs_) {
        if (state.completed || now < state.done_at)
            continue;
        for (const auto& id : state.session_ids)
            if (auto found = sessions_.find(id); found != sessions_.end())
                found->second.deleted = true;
        state.completed = true;
    }
}

http_response service::retrieve_decision(const http_request& request, const route& to) {
    auto* session = find_session(to.session_id);
    if (session == nullptr)
        return detail_response(request, http::status::not_found, "Not found.");
    return json_response(request, http::status::ok, decision_json(*session, to.generation));
}

http_response service::list_sessions(const http_request& request) {
    std::vector<const session_record*> live;
    for (const auto& [id, session] : sessions_)
        if (!session.deleted)
            live.push_back(&session);
    json::object page;
    auto origin = "https://" + std::string{request[http::field::host]};
    bool ok = list_page(live, origin, request.target(), page);
    return json_response(request, ok ? http::status::ok : http::status::bad_request, page);
}

namespace {

/// The moves of 4.1's lifecycle that the person (or time) makes, as opposed to a reviewer.
/// A session that was never opened may finish at once: In Progress is implied.
bool lifecycle_allows(std::string_view from, std::string_view to) {
    bool unfinished = is_one_of(from, {"Not Started", "In Progress"});
    if (to == "In Progress")
        return from == "Not Started";
    if (is_one_of(to, {"Approved", "Declined", "In Review", "Abandoned", "Expired"}))
        return unfinished;
    if (to == "Kyc Expired")
        return from == "Approved";
    return false;
}

} // namespace

bool service::finish_session(std::string_view session_id, std::string_view status) {
    std::lock_guard lock{mutex_};
    settle_deletion_jobs();
    auto* session = find_session(session_id);
    if (session == nullptr || !lifecycle_allows(session->status, status))
        return false;
    session->status = status;
    if (is_one_of(status, {"Approved", "Declined", "In Review"}))
        session->outcome = status; // the checks ran; their results follow this outcome
    announce(*session);
    return true;
}

void service::on_status_change(std::function<void(const session_record&)> listener) {
    std::lock_guard lock{mutex_};
    status_listener_ = std::move(listener);
}

void service::announce(const session_record& session) {
    resources_.note_session(session, static_cast<bool>(status_listener_), clock::now());
    if (status_listener_)
        status_listener_(session);
}

std::optional<std::string> service::session_status(std::string_view session_id) {
    std::lock_guard lock{mutex_};
    settle_deletion_jobs();
    auto found = sessions_.find(std::string{session_id});
    if (found == sessions_.end() || found->second.deleted)
        return std::nullopt;
    return found->second.status;
}

void service::count_arrival(const http_request& request, endpoint where) {
    std::lock_guard lock{mutex_};
    if (request.count(http::field::authorization) != 0)
        ++counters_.requests_with_authorization;
    if (request.count("x-api-key") != 0)
        ++counters_.requests_with_api_key;
    switch (where) {
    case endpoint::token:
        ++counters_.token_requests;
        break;
    case endpoint::create_session:
        ++counters_.create_session_requests;
        break;
    case endpoint::update_status:
        ++counters_.update_status_requests;
        break;
    case endpoint::delete_session:
    case endpoint::batch_delete:
        ++counters_.delete_requests;
        break;
    case endpoint::generate_pdf:
        ++counters_.pdf_requests;
        break;
    case endpoint::decision:
        ++counters_.decision_requests;
        break;
    case endpoint::list_sessions:
        ++counters_.list_requests;
        break;
    case endpoint::standalone_check:
        ++counters_.check_requests;
        break;
    case endpoint::management:
    case endpoint::account:
        ++counters_.management_requests;
        break;
    case endpoint::batch_delete_job:
        ++counters_.deletion_job_polls;
        break;
    case endpoint::other:
        ++counters_.other_requests;
        break;
    }
}

http_response service::issue_token(const http_request& request) {
    auto credentials = decode_basic(request[http::field::authorization]);
    if (!credentials || *credentials != options_.client_id + ":" + options_.client_secret)
        return json_response(
            request, http::status::unauthorized,
            {{"error", "invalid_client"}, {"error_description", "Client authentication failed."}});
    if (!media_type_is(request[http::field::content_type], "application/x-www-form-urlencoded"))
        return json_response(
            request, http::status::bad_request,
            {{"error", "invalid_request"},
             {"error_description", "Content-Type must be application/x-www-form-urlencoded."}});
    if (!form_has(request.body(), "grant_type=client_credentials"))
        return json_response(request, http::status::bad_request,
                             {{"error", "unsupported_grant_type"},
                              {"error_description", "grant_type must be client_credentials."}});

    auto now = clock::now();
    auto token = random_hex(32);
    tokens_[token] = now + options_.token_lifetime;
    ++counters_.tokens_issued;
    auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    auto lifetime = options_.token_lifetime.count();
    return json_response(request, http::status::ok,
                         {{"iss", "https://didit.me"},
                          {"iat", iat},
                          {"sub", random_uuid()},
                          {"client_id", options_.client_id},
                          {"organization_id", random_uuid()},
                          {"expires_in", lifetime},
                          {"exp", iat + lifetime * options_.token_exp_multiple},
                          {"access_token", token}});
}

std::optional<http_response> service::check_bearer(const http_request& request) {
    auto header = request[http::field::authorization];
    constexpr std::string_view prefix = "Bearer ";
    if (header.substr(0, prefix.size()) != prefix)
        return detail_response(request, http::status::unauthorized,
                               "Authentication credentials were not provided.");
    auto found = tokens_.find(std::string{header.substr(prefix.size())});
    if (found == tokens_.end() || clock::now() >= found->second)
        return detail_response(request, http::status::unauthorized,
                               "Given token not valid for any token type");
    return std::nullopt;
}

http_response service::create_session(const http_request& request) {
    json::value body;
    const auto* parsed = parse_object(request, body);
    if (parsed == nullptr)
        return not_json(request);
    const auto& fields = *parsed;

    json::object errors;
    session_record created;
    auto* callback = fields.if_contains("callback");
    if (callback == nullptr)
        errors["callback"] = json::array{"This field is required."};
    else if (!callback->is_string() || !is_http_url(callback->get_string()))
        errors["callback"] = json::array{"Enter a valid URL."};
    else
        created.callback = callback->get_string();
    if (auto* features = fields.if_contains("features")) {
        bool valid = false;
        if (features->is_string())
            for (auto name : valid_features)
                valid = valid || features->get_string() == name;
        if (!valid)
            errors["features"] = json::array{
                "\"" + (features->is_string() ? std::string{features->get_string()} : "?") +
                "\" is not a valid choice."};
        else
            created.features = features->get_string();
    }
    if (auto* vendor_data = fields.if_contains("vendor_data")) {
        if (!vendor_data->is_string())
            errors["vendor_data"] = json::array{"Not a valid string."};
        else
            created.vendor_data = vendor_data->get_string();
    }
    if (!errors.empty())
        return json_response(request, http::status::bad_request, errors);

    created.generation = api_generation::v1;
    store(created);
    return json_response(request, http::status::created,
                         {{"session_id", created.session_id},
                          {"session_token", created.session_token},
                          {"url", created.session_url}});
}

std::optional<http_response> service::check_api_key(const http_request& request) {
    auto key = request["x-api-key"];
    if (key.empty())
        return detail_response(request, http::status::unauthorized,
                               "Authentication credentials were not provided.");
    if (key != options_.api_key)
        return detail_response(request, http::status::unauthorized, "Invalid API key.");
    if (account_ == account_state::application_deleted)
        return coded_response(request, http::status::unauthorized,
                              "The application of this API key was deleted.",
                              "application_deleted");
    return std::nullopt;
}

http_response service::create_workflow_session(const http_request& request) {
    json::value body;
    const auto* parsed = parse_object(request, body);
    if (parsed == nullptr)
        return not_json(request);
    const auto& fields = *parsed;

    json::object errors;
    session_record created;
    auto* workflow = fields.if_contains("workflow_id");
    if (workflow == nullptr)
        errors["workflow_id"] = json::array{"This field is required."};
    else if (!workflow->is_string() || !is_uuid(workflow->get_string()))
        errors["workflow_id"] = json::array{"Must be a valid UUID."};
    else
        created.workflow_id = workflow->get_string();
    auto optional_string = [&](std::string_view name) -> std::string {
        auto* field = fields.if_contains(name);
        if (field == nullptr || field->is_null())
            return {};
        if (!field->is_string()) {
            errors[name] = json::array{"Not a valid string."};
            return {};
        }
        return std::string{field->get_string()};
    };
    created.vendor_data = optional_string("vendor_data");
    created.callback = optional_string("callback");
    if (!created.callback.empty() && !is_http_url(created.callback))
        errors["callback"] = json::array{"Enter a valid URL."};
    auto method = optional_string("callback_method");
    if (!method.empty() && method != "initiator" && method != "completer" && method != "both")
        errors["callback_method"] = json::array{"\"" + method + "\" is not a valid choice."};
    if (auto language = optional_string("language"); !language.empty() && !is_language(language))
        errors["language"] = json::array{"\"" + language + "\" is not a valid choice."};
    optional_string("portrait_image");
    json::value metadata;
    boost::system::error_code ignored;
    if (auto* given = fields.if_contains("metadata"); given && !given->is_null()) {
        if (given->is_object())
            metadata = *given;
        else if (given->is_string()) // the service also takes it JSON-encoded
            metadata = json::parse(given->get_string(), ignored); // checked just below
        if (!metadata.is_object())
            errors["metadata"] = json::array{"Value must be valid JSON object."};
    }
    for (auto name : {"contact_details", "expected_details"})
        if (auto* nested = fields.if_contains(name);
            nested && !nested->is_object() && !nested->is_null())
            errors[name] = json::array{"Expected a dictionary of items."};
    if (!errors.empty())
        return json_response(request, http::status::bad_request, errors);

    created.generation = api_generation::v3;
    created.metadata = metadata;
    for (auto [name, kept] : {std::pair{"contact_details", &created.contact_details},
                              std::pair{"expected_details", &created.expected_details}})
        if (auto* given = fields.if_contains(name))
            *kept = *given;
    if (created.workflow_id == options_.business_workflow_id)
        created.session_kind = "business";
    // Idempotent by vendor_data (API reference 2.2): the person's unfinished session on the
    // same workflow is returned again, with the new callback and metadata.
    auto* session = created.vendor_data.empty()
                        ? nullptr
                        : find_unfinished(created.workflow_id, created.vendor_data);
    if (session != nullptr) {
        session->callback = created.callback;
        session->metadata = created.metadata;
        ++counters_.sessions_reused;
    } else {
        store(created);
        session = &sessions_[created.session_id];
    }
    auto vendor_data =
        session->vendor_data.empty() ? json::value{} : json::value(session->vendor_data);
    auto callback = session->callback.empty() ? json::value{} : json::value(session->callback);
    return json_response(request, http::status::created,
                         {{"session_id", session->session_id},
                          {"session_number", session->session_number},
                          {"session_token", session->session_token},
                          {"url", session->session_url},
                          {"vendor_data", vendor_data},
                          {"metadata", session->metadata},
                          {"status", session->status},
                          {"workflow_id", session->workflow_id},
                          {"workflow_version", 1},
                          {"callback", callback},
                          {"session_kind", session->session_kind}});
}

session_record* service::find_unfinished(std::string_view workflow_id,
                                         std::string_view vendor_data) {
    for (auto& [id, session] : sessions_) {
        if (session.deleted || session.generation != api_generation::v3 ||
            session.workflow_id != workflow_id || session.vendor_data != vendor_data)
            continue;
        if (is_one_of(session.status,
                      {"Not Started", "In Progress", "Resubmitted", "Awaiting User"}))
            return &session;
    }
    return nullptr;
}

counters service::stats() const {
    std::lock_guard lock{mutex_};
    return counters_;
}

void service::count_connection() {
    std::lock_guard lock{mutex_};
    ++counters_.connections_accepted;
}

void service::count_handshake(bool resumed) {
    std::lock_guard lock{mutex_};
    ++counters_.tls_handshakes;
    if (resumed)
        ++counters_.tls_resumptions;
}

void service::reset() {
    std::lock_guard lock{mutex_};
    counters_ = {};
    tokens_.clear();
    sessions_.clear();
    deletion_jobs_.clear();
    windows_.clear();
    creates_let_through_.clear();
    next_session_number_ = 1001;
    checks_.reset();
    resources_.reset();
    forms_.clear();
    outages_.clear();
    idempotent_.clear();
}

void service::expire_tokens() {
    std::lock_guard lock{mutex_};
    auto past = clock::now() - std::chrono::seconds{1};
    for (auto& [token, expiry] : tokens_)
        expiry = past;
}

std::vector<std::chrono::system_clock::time_point> service::creates_let_through() const {
    std::lock_guard lock{mutex_};
    return {creates_let_through_.begin(), creates_let_through_.end()};
}

void service::set_account_state(account_state state) {
    std::lock_guard lock{mutex_};
    account_ = state;
    resources_.set_empty(state == account_state::no_credits);
}

void service::set_provider_outage(std::string_view provider, bool on) {
    std::lock_guard lock{mutex_};
    std::erase(outages_, provider);
    if (on)
        outages_.emplace_back(provider);
}

std::vector<std::vector<server::received_part>> service::received_forms() const {
    std::lock_guard lock{mutex_};
    return {forms_.begin(), forms_.end()};
}

void service::on_webhook_change(resource_desk::webhook_listener listener) {
    std::lock_guard lock{mutex_};
    resources_.on_webhook_change(std::move(listener));
}

void service::webhook_configured(const std::string& url, const std::string& secret) {
    std::lock_guard lock{mutex_};
    resources_.webhook_configured(url, secret);
}

http_response service::run_check(const http_request& request, const form_parser* form) {
    auto path = request.target().substr(0, request.target().find('?'));
    if (form != nullptr) {
        std::vector<server::received_part> parts;
        for (const auto& part : form->parts())
            parts.push_back({part.name, part.file_name, part.content_type, part.size, part.content,
                             part.sha256});
        forms_.push_back(std::move(parts));
        if (forms_.size() > max_forms_kept)
            forms_.pop_front();
    }
    // Billing comes before the work (API reference 7.0): nothing runs unpaid.
    if (account_ == account_state::no_credits)
        return coded_response(request, http::status::forbidden,
                              "Your balance is too low for this check. Top up to continue.",
                              "insufficient_credits");
    if (account_ == account_state::payment_failed)
        return coded_response(request, http::status::payment_required,
                              "The check could not be paid for, so it did not run.",
                              "payment_required");
    auto provider = path.substr(4, path.find('/', 4) - 4); // "/v3/<provider>/..."
    if (std::find(outages_.begin(), outages_.end(), provider) != outages_.end()) {
        std::string code{provider};
        std::replace(code.begin(), code.end(), '-', '_');
        code += "_provider_unavailable";
        return coded_response(request, http::status::bad_gateway,
                              "An upstream provider returned an error.", code);
    }
    // Idempotency-Key (API reference 9): the same key and body replay the stored answer,
    // uncharged; another body under the key is a conflict.
    auto key = std::string{request["Idempotency-Key"]};
    if (auto stored = idempotent_.find(key); !key.empty() && stored != idempotent_.end()) {
        if (stored->second.first != request.body())
            return coded_response(request, http::status::conflict,
                                  "This Idempotency-Key was used with another request body.",
                                  "idempotency_key_reused");
        auto replay = stored->second.second;
        replay.keep_alive(request.keep_alive());
        return replay;
    }
    auto response = checks_.answer(request, path, form, clock::now());
    if (response.result() == http::status::ok) {
        ++counters_.checks_charged;
        resources_.charge(0.10);
        if (!key.empty())
            idempotent_.emplace(key, std::pair{request.body(), response});
    }
    return response;
}

void service::set_token_lifetime(std::chrono::seconds lifetime) {
    std::lock_guard lock{mutex_};
    options_.token_lifetime = lifetime;
}

} // namespace didit::emulator::detail
