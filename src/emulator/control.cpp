#include "control.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <utility>

namespace didit::emulator::detail {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::array<std::pair<std::string_view, fault::kind>, 20> fault_kinds{{
    {"delay", fault::kind::delay},
    {"respond", fault::kind::respond},
    {"close_on_arrival", fault::kind::close_on_arrival},
    {"drop_after_processing", fault::kind::drop_after_processing},
    {"truncated_body", fault::kind::truncated_body},
    {"non_json_body", fault::kind::non_json_body},
    {"close_after_response", fault::kind::close_after_response},
    {"early_hints", fault::kind::early_hints},
    {"folded_header", fault::kind::folded_header},
    {"close_delimited_body", fault::kind::close_delimited_body},
    {"key_update", fault::kind::key_update},
    {"tls_alert", fault::kind::tls_alert},
    {"trickle_headers", fault::kind::trickle_headers},
    {"endless_chunked_body", fault::kind::endless_chunked_body},
    {"many_header_fields", fault::kind::many_header_fields},
    {"oversized_header_line", fault::kind::oversized_header_line},
    {"oversized_content_length", fault::kind::oversized_content_length},
    {"unsized_http10_body", fault::kind::unsized_http10_body},
    {"bad_chunk_size", fault::kind::bad_chunk_size},
    {"redirect", fault::kind::redirect},
}};

constexpr std::array<std::pair<std::string_view, endpoint>, 13> endpoints{{
    {"token", endpoint::token},
    {"create_session", endpoint::create_session},
    {"update_status", endpoint::update_status},
    {"delete_session", endpoint::delete_session},
    {"generate_pdf", endpoint::generate_pdf},
    {"batch_delete", endpoint::batch_delete},
    {"batch_delete_job", endpoint::batch_delete_job},
    {"decision", endpoint::decision},
    {"list_sessions", endpoint::list_sessions},
    {"standalone_check", endpoint::standalone_check},
    {"management", endpoint::management},
    {"account", endpoint::account},
    {"other", endpoint::other},
}};

http_response reply(const http_request& request, http::status status, json::value body) {
    http_response out{status, request.version()};
    out.set(http::field::server, "didit-emulator");
    out.keep_alive(request.keep_alive());
    if (!body.is_null()) {
        out.set(http::field::content_type, "application/json");
        out.body() = json::serialize(body);
    }
    out.prepare_payload();
    return out;
}

http_response problem(const http_request& request, http::status status, std::string detail) {
    return reply(request, status, json::object{{"detail", std::move(detail)}});
}

json::object counters_json(const counters& c) {
    return {{"connections_accepted", c.connections_accepted},
            {"tls_handshakes", c.tls_handshakes},
            {"tls_resumptions", c.tls_resumptions},
            {"token_requests", c.token_requests},
            {"tokens_issued", c.tokens_issued},
            {"create_session_requests", c.create_session_requests},
            {"sessions_created", c.sessions_created},
            {"sessions_reused", c.sessions_reused},
            {"update_status_requests", c.update_status_requests},
            {"delete_requests", c.delete_requests},
            {"pdf_requests", c.pdf_requests},
            {"decision_requests", c.decision_requests},
            {"deletion_job_polls", c.deletion_job_polls},
            {"list_requests", c.list_requests},
            {"other_requests", c.other_requests},
            {"requests_with_authorization", c.requests_with_authorization},
            {"requests_with_api_key", c.requests_with_api_key},
            {"throttled", c.throttled},
            {"token_requests_peak_in_flight", c.token_requests_peak_in_flight},
            {"webhook_attempts", c.webhook_attempts},
            {"webhooks_delivered", c.webhooks_delivered},
            {"webhooks_abandoned", c.webhooks_abandoned}};
}

/// "status" of a JSON body, or empty.
/// The text of the body's field `name`; "" when there is none.
std::string text_of(std::string_view body, std::string_view name) {
    boost::system::error_code ec;
    auto parsed = json::parse(body, ec);
    const auto* field = !ec && parsed.is_object() ? parsed.get_object().if_contains(name) : nullptr;
    return field != nullptr && field->is_string() ? std::string{field->get_string()}
                                                  : std::string{};
}

std::string status_of(std::string_view body) {
    return text_of(body, "status");
}

std::optional<account_state> account_state_named(std::string_view name) {
    if (name == "active")
        return account_state::active;
    if (name == "billing_suspended")
        return account_state::billing_suspended;
    if (name == "application_deleted")
        return account_state::application_deleted;
    if (name == "no_credits")
        return account_state::no_credits;
    if (name == "payment_failed")
        return account_state::payment_failed;
    return std::nullopt;
}

bool is_outcome(std::string_view status) {
    return status == "Approved" || status == "Declined" || status == "In Review" ||
           status == "Abandoned";
}

http_response session_control(const http_request& request, std::string_view rest,
                              control_actions& actions) {
    auto slash = rest.find('/');
    auto id = rest.substr(0, slash);
    auto action = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (request.method() == http::verb::get && action.empty()) {
        auto status = actions.session_status(id);
        if (!status)
            return problem(request, http::status::not_found, "no such session");
        return reply(request, http::status::ok,
                     json::object{{"session_id", id}, {"status", *status}});
    }
    if (request.method() != http::verb::post || (action != "finish" && action != "status"))
        return problem(request, http::status::not_found, "no such control endpoint");
    auto status = status_of(request.body());
    if (status.empty())
        return problem(request, http::status::bad_request, "send {\"status\": \"...\"}");
    if (action == "finish" && !is_outcome(status))
        return problem(request, http::status::bad_request,
                       "finish takes Approved, Declined, In Review or Abandoned");
    if (!actions.session_status(id))
        return problem(request, http::status::not_found, "no such session");
    if (!actions.finish_session(id, status))
        return problem(request, http::status::conflict,
                       "the session cannot move to " + status + " from where it is");
    return reply(request, http::status::ok, json::object{{"session_id", id}, {"status", status}});
}

} // namespace

bool is_control(const http_request& request) {
    return std::string_view{request.target()}.starts_with(control_prefix);
}

std::optional<fault> fault_from_json(std::string_view text, std::string& why) {
    boost::system::error_code ec;
    auto parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) {
        why = "the body is not a JSON object";
        return std::nullopt;
    }
    const auto& in = parsed.get_object();
    fault out;
    auto text_field = [&](const char* name) -> std::optional<std::string_view> {
        auto* value = in.if_contains(name);
        if (value == nullptr)
            return std::nullopt;
        if (!value->is_string()) {
            why = std::string{name} + " must be a string";
            return std::string_view{};
        }
        return std::string_view{value->get_string()};
    };
    auto number_field = [&](const char* name, double low, double high) -> std::optional<double> {
        auto* value = in.if_contains(name);
        if (value == nullptr)
            return std::nullopt;
        if (!value->is_number() || value->to_number<double>() < low ||
            value->to_number<double>() > high) {
            why = std::string{name} + " must be a number from " + std::to_string(low) + " to " +
                  std::to_string(high);
            return std::nullopt;
        }
        return value->to_number<double>();
    };
    auto kind = text_field("kind").value_or("respond");
    bool known_kind = false;
    for (auto [name, value] : fault_kinds)
        if (name == kind) {
            out.what = value;
            known_kind = true;
        }
    if (!known_kind) {
        why = "kind is not a fault kind (respond, delay, close_on_arrival, ...)";
        return std::nullopt;
    }
    auto where = text_field("endpoint").value_or("create_session");
    bool known_endpoint = false;
    for (auto [name, value] : endpoints)
        if (name == where) {
            out.where = value;
            known_endpoint = true;
        }
    if (!known_endpoint) {
        why = "endpoint is not one of token, create_session, update_status, delete_session, "
              "generate_pdf, batch_delete, batch_delete_job, decision, list_sessions, "
              "standalone_check, management, account, other";
        return std::nullopt;
    }
    if (auto times = number_field("times", 1, 1e6))
        out.times = static_cast<unsigned>(*times);
    if (auto delay = number_field("delay_ms", 0, 600000))
        out.delay = std::chrono::milliseconds{static_cast<long>(*delay)};
    if (auto status = number_field("status", 100, 599))
        out.status = static_cast<unsigned>(*status);
    if (auto retry_after = number_field("retry_after", 0, 86400))
        out.retry_after = static_cast<unsigned>(*retry_after);
    if (auto probability = number_field("probability", 0, 1))
        out.probability = *probability;
    if (auto body = text_field("body"))
        out.body = *body;
    if (auto location = text_field("location"))
        out.location = *location;
    if (!why.empty())
        return std::nullopt;
    return out;
}

http_response answer_control(const http_request& request, control_actions& actions) {
    auto path = std::string_view{request.target()}.substr(control_prefix.size());
    path = path.substr(0, path.find('?'));
    auto method = request.method();
    if (path == "counters" && method == http::verb::get)
        return reply(request, http::status::ok, counters_json(actions.stats()));
    if (path == "faults" && method == http::verb::post) {
        std::string why;
        auto f = fault_from_json(request.body(), why);
        if (!f)
            return problem(request, http::status::bad_request, why);
        actions.inject(std::move(*f));
        return reply(request, http::status::created, json::object{{"injected", true}});
    }
    if (path == "faults" && method == http::verb::delete_) {
        actions.clear_faults();
        return reply(request, http::status::no_content, nullptr);
    }
    if (path == "tokens/expire" && method == http::verb::post) {
        actions.expire_tokens();
        return reply(request, http::status::no_content, nullptr);
    }
    if (path == "account" && method == http::verb::post) {
        auto state = account_state_named(text_of(request.body(), "state"));
        if (!state)
            return problem(request, http::status::bad_request,
                           "send {\"state\": \"active\" | \"billing_suspended\" | "
                           "\"application_deleted\" | \"no_credits\" | \"payment_failed\"}");
        actions.set_account_state(*state);
        return reply(request, http::status::no_content, nullptr);
    }
    if (path == "outage" && method == http::verb::post) {
        boost::system::error_code ec;
        auto parsed = json::parse(request.body(), ec);
        auto provider = text_of(request.body(), "provider");
        const auto* on =
            !ec && parsed.is_object() ? parsed.get_object().if_contains("on") : nullptr;
        if (provider.empty() || provider.find('/') != std::string::npos || on == nullptr ||
            !on->is_bool())
            return problem(request, http::status::bad_request,
                           "send {\"provider\": \"phone\" | \"email\" | \"aml\" | ..., "
                           "\"on\": true | false}");
        actions.set_provider_outage(provider, on->get_bool());
        return reply(request, http::status::no_content, nullptr);
    }
    if (path == "reset" && method == http::verb::post) {
        actions.reset();
        return reply(request, http::status::no_content, nullptr);
    }
    constexpr std::string_view sessions = "sessions/";
    if (path.starts_with(sessions) && path.size() > sessions.size())
        return session_control(request, path.substr(sessions.size()), actions);
    return problem(request, http::status::not_found, "no such control endpoint");
}

} // namespace didit::emulator::detail
