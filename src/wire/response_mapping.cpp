#include "wire/response_mapping.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace didit::detail {
namespace {

constexpr std::size_t max_detail_length = 512;
constexpr std::size_t max_code_length = 64;
constexpr std::size_t max_excerpt_length = 160;

void append_bounded(std::string& out, std::string_view text,
                    std::size_t limit = max_detail_length) {
    for (char c : text) {
        if (out.size() >= limit)
            return;
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)
            out.push_back(c);
    }
}

void append_field_errors(std::string& out, const boost::json::object& fields) {
    for (const auto& [key, value] : fields) {
        if (!out.empty())
            append_bounded(out, "; ");
        append_bounded(out, key);
        append_bounded(out, ": ");
        if (value.is_string()) {
            append_bounded(out, value.get_string());
        } else if (value.is_array()) {
            bool first = true;
            for (const auto& item : value.get_array()) {
                if (!item.is_string())
                    continue;
                if (!first)
                    append_bounded(out, " ");
                append_bounded(out, item.get_string());
                first = false;
            }
        }
    }
}

} // namespace

error_code error_for_api_status(unsigned status) {
    if (status >= 200 && status < 300)
        return {};
    switch (status) {
    case 400:
        return error::bad_request;
    case 401:
        return error::unauthorized;
    case 402:
        return error::payment_required;
    case 403:
        return error::forbidden;
    case 404:
        return error::not_found;
    case 409:
        return error::conflict;
    case 429:
        return error::rate_limited;
    case 503:
        return error::service_unavailable;
    default:
        return status >= 500 && status < 600 ? error::server_error : error::unexpected_status;
    }
}

error_code error_for_token_status(unsigned status) {
    switch (status) {
    case 400:
    case 401:
    case 403:
        return error::token_rejected;
    default:
        return error_for_api_status(status);
    }
}

error_body read_error_body(std::string_view body) {
    error_body out;
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec) {
        append_bounded(out.not_json, body.substr(0, max_excerpt_length), max_excerpt_length);
        return out;
    }
    if (value.is_array()) { // DRF's bare list of messages
        for (const auto& item : value.get_array()) {
            if (!item.is_string())
                continue;
            if (!out.detail.empty())
                append_bounded(out.detail, " ");
            append_bounded(out.detail, item.get_string());
        }
        return out;
    }
    if (!value.is_object())
        return out;
    const auto& object = value.get_object();
    if (auto* code = object.if_contains("code"); code && code->is_string())
        append_bounded(out.code, code->get_string(), max_code_length);
    for (auto key : {"detail", "message", "error_description", "error"}) {
        if (auto* field = object.if_contains(key); field && field->is_string()) {
            append_bounded(out.detail, field->get_string());
            return out;
        }
    }
    append_field_errors(out.detail, object);
    return out;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0)
        return std::nullopt;
    return std::chrono::seconds{seconds};
}

std::string redirect_note(std::string_view location) {
    std::string where;
    if (auto url = boost::urls::parse_uri_reference(location); url && url->has_authority())
        append_bounded(where, url->encoded_host());
    std::string note = "the service redirected the request to ";
    note += where.empty() ? std::string{"another path on the same host"} : where;
    return note + "; redirects are not followed, so the credentials were sent nowhere else";
}

void describe_failure(unsigned status, const incoming_response& response, diagnostics& diag) {
    diag.http_status = static_cast<int>(status);
    auto said = read_error_body(response.body);
    diag.detail = std::move(said.detail);
    diag.code = std::move(said.code);
    diag.retry_after = parse_retry_after(response.retry_after);
    if (status >= 300 && status < 400)
        diag.message = redirect_note(response.location);
    else if (response.body.empty())
        diag.message = "the service answered HTTP " + std::to_string(status) + " with no body";
    else if (!said.not_json.empty())
        diag.message = "the service answered HTTP " + std::to_string(status) +
                       " with a body that is not JSON, beginning: " + said.not_json;
}

} // namespace didit::detail
