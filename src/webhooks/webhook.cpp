#include <didit/webhook.hpp>

#include "crypto/hmac.hpp"
#include "wire/canonical_json.hpp"
#include "wire/decision_codec.hpp"

#include <boost/json/value.hpp>

#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <cmath>

namespace didit {

namespace json = boost::json;

namespace {

using digest = detail::sha256_digest;

/// The 32 bytes a hex signature spells (either case); nothing when it is not 64 hex digits.
std::optional<digest> from_hex(std::string_view text) {
    if (text.size() != 64)
        return std::nullopt;
    digest out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, value, 16);
        if (ec != std::errc{} || end != text.data() + 2 * i + 2)
            return std::nullopt;
        out[i] = static_cast<unsigned char>(value);
    }
    return out;
}

/// Whether `claimed` (hex) is the HMAC of `message`, in time independent of where they differ.
bool signature_matches(std::string_view claimed, std::string_view secret,
                       std::string_view message) {
    auto given = from_hex(claimed);
    auto expected = detail::hmac_sha256(secret, message);
    return given && CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

/// Python's str() of a payload value, as the service builds the Simple signature's input.
std::string python_str(const json::object& payload, std::string_view key) {
    const auto* value = payload.if_contains(key);
    if (value == nullptr)
        return {};
    switch (value->kind()) {
    case json::kind::string:
        return std::string{value->get_string()};
    case json::kind::int64:
        return std::to_string(value->get_int64());
    case json::kind::uint64:
        return std::to_string(value->get_uint64());
    case json::kind::null:
        return "None";
    case json::kind::bool_:
        return value->get_bool() ? "True" : "False";
    case json::kind::double_: {
        std::string text;
        detail::append_python_number(value->get_double(), text);
        return text;
    }
    default:
        return {}; // objects and arrays never stand in these four fields
    }
}

std::optional<std::int64_t> integer_of(const json::value* value) {
    if (value == nullptr)
        return std::nullopt;
    if (const auto* i = value->if_int64())
        return *i;
    if (const auto* d = value->if_double(); d && std::trunc(*d) == *d && std::abs(*d) < 1e15)
        return static_cast<std::int64_t>(*d); // 1700000000.0 from a re-encoding proxy
    if (const auto* s = value->if_string()) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
        if (ec == std::errc{} && end == s->data() + s->size())
            return n;
    }
    return std::nullopt;
}

boost::system::result<webhook_event> refuse(webhook_error why, std::string message,
                                            diagnostics& diag) {
    diag.message = std::move(message);
    return boost::system::error_code{why};
}

struct webhook_category_impl : boost::system::error_category {
    const char* name() const noexcept override { return "didit.webhook"; }
    std::string message(int value) const override {
        switch (static_cast<webhook_error>(value)) {
        case webhook_error::empty_secret:
            return "the webhook secret is empty";
        case webhook_error::missing_signature:
            return "the delivery carries no X-Signature, X-Signature-V2 or X-Signature-Simple";
        case webhook_error::missing_timestamp:
            return "the delivery carries no timestamp";
        case webhook_error::bad_signature:
            return "no signature of the delivery matches the secret";
        case webhook_error::stale_timestamp:
            return "the delivery is older than the tolerance allows";
        case webhook_error::future_timestamp:
            return "the delivery is dated further ahead than the tolerance allows";
        case webhook_error::malformed_body:
            return "the delivery's body is not a webhook payload";
        }
        return "unknown webhook error";
    }
};

} // namespace

const boost::system::error_category& webhook_category() noexcept {
    static const webhook_category_impl category;
    return category;
}

const char* to_string(webhook_error e) noexcept {
    switch (e) {
    case webhook_error::empty_secret:
        return "empty_secret";
    case webhook_error::missing_signature:
        return "missing_signature";
    case webhook_error::missing_timestamp:
        return "missing_timestamp";
    case webhook_error::bad_signature:
        return "bad_signature";
    case webhook_error::stale_timestamp:
        return "stale_timestamp";
    case webhook_error::future_timestamp:
        return "future_timestamp";
    case webhook_error::malformed_body:
        return "malformed_body";
    }
    return "unknown";
}

namespace {

/// The first signature present that matches: X-Signature over the bytes as received, else
/// X-Signature-V2 over the canonical form, else (when allowed) X-Signature-Simple.
std::optional<webhook_signature>
matching_signature(std::string_view body, const json::value& parsed, const webhook_headers& headers,
                   std::span<const std::string_view> secrets, bool allow_simple,
                   std::size_t max_depth, std::size_t& secret_index) {
    auto any_secret_signs = [&](std::string_view signature, std::string_view message) {
        for (secret_index = 0; secret_index < secrets.size(); ++secret_index)
            if (signature_matches(signature, secrets[secret_index], message))
                return true;
        return false;
    };
    if (!headers.signature.empty() && any_secret_signs(headers.signature, body))
        return webhook_signature::raw;
    if (!headers.signature_v2.empty()) {
        // From the body's own tokens, not `parsed`: an integer beyond 64 bits keeps its digits.
        std::string canonical;
        std::string unused_why; // the body parsed above, so it canonicalises too
        if (detail::write_canonical(body, canonical, detail::ascii_escaping::none, unused_why,
                                    max_depth) &&
            any_secret_signs(headers.signature_v2, canonical))
            return webhook_signature::canonical;
    }
    const auto& payload = parsed.get_object();
    if (allow_simple &&
        any_secret_signs(headers.signature_simple, python_str(payload, "timestamp") + ":" +
                                                       python_str(payload, "session_id") + ":" +
                                                       python_str(payload, "status") + ":" +
                                                       python_str(payload, "webhook_type")))
        return webhook_signature::simple;
    return std::nullopt;
}

/// When the delivery was sent: the body's timestamp, which is signed, else the header's.
std::optional<std::int64_t> sent_at(const json::object& payload, std::string_view header) {
    if (auto signed_time = integer_of(payload.if_contains("timestamp")))
        return signed_time;
    json::value header_value{json::string_view{header}};
    return integer_of(&header_value);
}

/// The event in a verified payload; a problem names the bad field.
webhook_event read_event(const json::value& parsed, detail::read_problem& problem) {
    detail::field_reader in{parsed, {}, problem};
    webhook_event event;
    event.session_id = in.required_text("session_id");
    event.status = parse_session_status(in.required_text("status"));
    event.webhook_type = in.text("webhook_type").value_or("");
    event.event_id = in.text("event_id").value_or("");
    event.created_at = in.integer("created_at");
    event.vendor_data = in.text("vendor_data");
    event.workflow_id = in.text("workflow_id");
    event.metadata = in.value("metadata");
    if (const auto* decided = parsed.get_object().if_contains("decision");
        decided && !decided->is_null()) {
        // Only v3 envelopes carry a webhook_type; the decision has the same generation.
        auto generation = event.webhook_type.empty() ? api_generation::v1 : api_generation::v3;
        event.decision = detail::read_decision(*decided, generation, "decision", problem,
                                               {event.session_id, event.status.text});
    }
    return event;
}

} // namespace

boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers,
               std::span<const std::string_view> secrets, std::chrono::system_clock::time_point now,
               diagnostics& diag, const webhook_options& options) {
    if (secrets.empty())
        return refuse(webhook_error::empty_secret, "configure the webhook secret key", diag);
    for (std::size_t i = 0; i < secrets.size(); ++i)
        if (secrets[i].empty())
            return refuse(webhook_error::empty_secret,
                          "webhook secret " + std::to_string(i + 1) + " of " +
                              std::to_string(secrets.size()) + " is empty",
                          diag);
    bool allow_simple = options.allow_simple && !headers.signature_simple.empty();
    if (headers.signature.empty() && headers.signature_v2.empty() && !allow_simple)
        return refuse(webhook_error::missing_signature,
                      headers.signature_simple.empty()
                          ? "no signature header"
                          : "only X-Signature-Simple is present, and it is not allowed",
                      diag);
    if (body.size() > options.max_body_bytes)
        return refuse(
            webhook_error::malformed_body,
            "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes", diag);
    json::value parsed;
    std::string why;
    if (!detail::parse_exact(body, parsed, why, options.max_depth))
        return refuse(webhook_error::malformed_body, "the body is " + why, diag);
    if (!parsed.is_object())
        return refuse(webhook_error::malformed_body, "the body is not a JSON object", diag);

    std::size_t secret_index = 0;
    auto verified_by = matching_signature(body, parsed, headers, secrets, allow_simple,
                                          options.max_depth, secret_index);
    if (!verified_by)
        return refuse(webhook_error::bad_signature,
                      "checked: " + std::string{headers.signature.empty() ? "" : "X-Signature "} +
                          (headers.signature_v2.empty() ? "" : "X-Signature-V2 ") +
                          (allow_simple ? "X-Signature-Simple" : ""),
                      diag);

    auto sent = sent_at(parsed.get_object(), headers.timestamp);
    if (!sent)
        return refuse(webhook_error::missing_timestamp,
                      "no integer timestamp in the body or X-Timestamp", diag);
    auto now_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (now_seconds - *sent > options.tolerance.count())
        return refuse(webhook_error::stale_timestamp,
                      "sent " + std::to_string(now_seconds - *sent) + " s ago", diag);
    if (*sent - now_seconds > options.tolerance.count())
        return refuse(webhook_error::future_timestamp,
                      "dated " + std::to_string(*sent - now_seconds) + " s ahead", diag);

    detail::read_problem problem;
    auto event = read_event(parsed, problem);
    if (problem)
        return refuse(webhook_error::malformed_body, "malformed payload: " + problem.message, diag);
    event.timestamp = *sent;
    event.verified_by = *verified_by;
    event.secret_index = secret_index;
    event.fully_signed = *verified_by != webhook_signature::simple;
    event.raw = std::move(parsed);
    return event;
}

boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers, std::string_view secret,
               std::chrono::system_clock::time_point now, diagnostics& diag,
               const webhook_options& options) {
    return verify_webhook(body, headers, std::span<const std::string_view>{&secret, 1}, now, diag,
                          options);
}

boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers, std::string_view secret,
               std::chrono::system_clock::time_point now, const webhook_options& options) {
    diagnostics ignored;
    return verify_webhook(body, headers, secret, now, ignored, options);
}

boost::system::result<webhook_event> verify_webhook(std::string_view body,
                                                    const webhook_headers& headers,
                                                    std::initializer_list<std::string_view> secrets,
                                                    std::chrono::system_clock::time_point now,
                                                    diagnostics& diag,
                                                    const webhook_options& options) {
    return verify_webhook(body, headers, std::span{secrets.begin(), secrets.size()}, now, diag,
                          options);
}

boost::system::result<webhook_event> verify_webhook(std::string_view body,
                                                    const webhook_headers& headers,
                                                    std::initializer_list<std::string_view> secrets,
                                                    std::chrono::system_clock::time_point now,
                                                    const webhook_options& options) {
    diagnostics ignored;
    return verify_webhook(body, headers, secrets, now, ignored, options);
}

webhook_replay_guard::webhook_replay_guard(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity) {}

bool webhook_replay_guard::first_time(std::string_view event_id) {
    if (event_id.empty())
        return true;
    std::lock_guard lock{mutex_};
    if (!seen_.emplace(event_id).second)
        return false;
    order_.emplace_back(event_id);
    if (order_.size() > capacity_) {
        seen_.erase(order_.front());
        order_.pop_front();
    }
    return true;
}

} // namespace didit
