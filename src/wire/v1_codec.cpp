#include "wire/v1_codec.hpp"

#include "wire/json_text.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <openssl/evp.h>

#include <cmath>

namespace didit::detail {
namespace {

/// A response body parsed into a stack buffer, spilling to the heap only for large bodies.
class json_body {
public:
    json_body() : value_(boost::json::storage_ptr{&resource_}) {}

    /// The body's top-level object; null, with the reason in diag.message, otherwise.
    const boost::json::object* parse(std::string_view body, diagnostics& diag) {
        boost::system::error_code ec;
        value_ = boost::json::parse(body, ec, value_.storage()); // same storage: a move
        if (ec) {
            diag.message = "the response body is not valid JSON: " + ec.message();
            return nullptr;
        }
        if (!value_.is_object()) {
            diag.message = "the response body is not a JSON object";
            return nullptr;
        }
        return &value_.get_object();
    }

private:
    unsigned char scratch_[2048];
    boost::json::monotonic_resource resource_{scratch_};
    boost::json::value value_;
};

const boost::json::string* required_string(const boost::json::object& object, std::string_view name,
                                           diagnostics& diag) {
    auto* field = object.if_contains(name);
    if (field == nullptr) {
        diag.message = "the response has no field '" + std::string{name} + "'";
        return nullptr;
    }
    if (!field->is_string() || field->get_string().empty()) {
        diag.message = "the response field '" + std::string{name} + "' is not a non-empty string";
        return nullptr;
    }
    return &field->get_string();
}

/// RFC 6750's b64token: what may follow "Bearer " in a header line. Letters, digits and
/// "-._~+/", then any number of "=". A JWT is one; nothing with a space or a line break is.
bool is_bearer_token(std::string_view text) {
    auto end = text.find_last_not_of('=');
    if (end == std::string_view::npos)
        return false; // empty, or "=" alone
    for (char c : text.substr(0, end + 1)) {
        bool letter_or_digit =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!letter_or_digit && std::string_view{"-._~+/"}.find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

/// Whole positive seconds from an integer or an integral floating-point JSON number.
std::optional<long long> positive_seconds(const boost::json::value& value) {
    if (value.is_int64())
        return value.get_int64() > 0 ? std::optional{value.get_int64()} : std::nullopt;
    if (value.is_uint64())
        return value.get_uint64() > 0 && value.get_uint64() < (1ull << 62)
                   ? std::optional{static_cast<long long>(value.get_uint64())}
                   : std::nullopt;
    if (value.is_double()) {
        double d = value.get_double();
        if (d >= 1 && d < 1e15 && std::floor(d) == d)
            return static_cast<long long>(d);
    }
    return std::nullopt;
}

} // namespace

bool is_http_url(std::string_view text) {
    // Programs send the same callback with every create: the last URL accepted on this thread
    // is remembered, so the hot path compares it instead of parsing it again.
    thread_local std::string last_accepted;
    if (!last_accepted.empty() && text == last_accepted)
        return true;
    auto url = boost::urls::parse_absolute_uri(text);
    if (!url)
        return false;
    auto scheme = url->scheme_id();
    bool accepted = (scheme == boost::urls::scheme::https || scheme == boost::urls::scheme::http) &&
                    !url->encoded_host().empty();
    if (accepted)
        last_accepted.assign(text);
    return accepted;
}

std::string basic_credentials(std::string_view client_id, std::string_view client_secret) {
    std::string credentials;
    credentials.reserve(client_id.size() + 1 + client_secret.size());
    credentials.append(client_id).append(":").append(client_secret);
    std::string out = "Authorization: Basic ";
    auto prefix = out.size();
    out.resize(prefix + 4 * ((credentials.size() + 2) / 3) + 1);
    auto written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + prefix),
                                   reinterpret_cast<const unsigned char*>(credentials.data()),
                                   static_cast<int>(credentials.size()));
    out.resize(prefix + static_cast<std::size_t>(written));
    out.append("\r\n");
    OPENSSL_cleanse(credentials.data(), credentials.size());
    return out;
}

boost::system::result<issued_token>
parse_token_response(std::string_view body, diagnostics& diag,
                     std::chrono::system_clock::time_point now) {
    json_body parsed;
    auto* object = parsed.parse(body, diag);
    if (object == nullptr)
        return error::invalid_response;
    auto* token = required_string(*object, "access_token", diag);
    if (token == nullptr)
        return error::invalid_response;
    if (!is_bearer_token({token->data(), token->size()})) {
        // Not quoted: it is a secret, and it could carry a second header line.
        diag.message = "the token response's 'access_token' is not a bearer token (RFC 6750)";
        return error::invalid_response;
    }
    // expires_in rules (the reference's exp can be far later than expires_in says); a response
    // with only exp lives until then by our clock.
    std::optional<long long> seconds;
    if (auto* expires_in = object->if_contains("expires_in");
        expires_in && !expires_in->is_null()) {
        seconds = positive_seconds(*expires_in);
    } else if (auto* exp = object->if_contains("exp"); exp && !exp->is_null()) {
        auto now_s =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        if (auto at = positive_seconds(*exp); at && *at > now_s)
            seconds = *at - now_s;
        else if (at) {
            diag.message = "the token response's 'exp' is not in the future";
            return error::invalid_response;
        }
    }
    if (!seconds) {
        diag.message = "the token response has no positive integer 'expires_in' or 'exp'";
        return error::invalid_response;
    }
    issued_token issued;
    constexpr std::string_view prefix = "Authorization: Bearer ";
    issued.credentials.reserve(prefix.size() + token->size() + 2);
    issued.credentials.append(prefix).append(token->data(), token->size()).append("\r\n");
    issued.expires_in = std::chrono::seconds{static_cast<std::chrono::seconds::rep>(*seconds)};
    return issued;
}

std::string check_session_request(const session_request& request) {
    if (request.callback.empty())
        return "session_request.callback is empty";
    if (!is_http_url(request.callback))
        return "session_request.callback is not an absolute http(s) URL";
    if (request.features && to_string(*request.features).empty())
        return "session_request.features is not one of the eight combinations";
    return {};
}

std::string create_session_body(const session_request& request) {
    std::string body;
    body.reserve(64 + request.callback.size() + request.vendor_data.size());
    body.append(R"({"callback":)");
    append_json_string(body, request.callback);
    if (request.features) {
        body.append(R"(,"features":)");
        append_json_string(body, to_string(*request.features));
    }
    if (!request.vendor_data.empty()) {
        body.append(R"(,"vendor_data":)");
        append_json_string(body, request.vendor_data);
    }
    body.push_back('}');
    return body;
}

} // namespace didit::detail
