#pragma once
// Receiving Didit's webhooks: checking that a delivery comes from Didit and is fresh, reading
// it into a typed event, and dropping deliveries seen before.

#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>

namespace didit {

/// Why a webhook delivery was refused. Answer 401 for the signature and timestamp errors, 400
/// for the others; a refused delivery must not be acted on.
enum class webhook_error {
    empty_secret = 1,  ///< the secret to verify with is empty
    missing_signature, ///< none of X-Signature, X-Signature-V2, X-Signature-Simple is present
    missing_timestamp, ///< neither X-Timestamp nor the body's timestamp is present
    bad_signature,     ///< no present signature matches (tampered, or another secret)
    stale_timestamp,   ///< sent longer ago than the tolerance: possibly a replay
    future_timestamp,  ///< sent further in the future than the tolerance
    malformed_body,    ///< not a JSON object, too large, too deep, or missing session_id/status
};

const boost::system::error_category& webhook_category() noexcept;
inline boost::system::error_code make_error_code(webhook_error e) noexcept {
    return {static_cast<int>(e), webhook_category()};
}
/// The enumerator's name, e.g. "bad_signature".
const char* to_string(webhook_error e) noexcept;

/// The delivery's headers, as received (values only; absent ones empty).
struct webhook_headers {
    std::string_view signature{};        ///< X-Signature: HMAC of the exact body bytes
    std::string_view signature_v2{};     ///< X-Signature-V2: HMAC of the canonical JSON
    std::string_view signature_simple{}; ///< X-Signature-Simple: HMAC of four fields only
    std::string_view timestamp{};        ///< X-Timestamp: Unix seconds
};

struct webhook_options {
    /// How far the delivery's timestamp may be from now, either way.
    std::chrono::seconds tolerance{300};
    /// X-Signature-Simple signs only timestamp, session_id, status and webhook_type: with it
    /// alone, vendor_data, metadata and the decision are unauthenticated. Off by default.
    bool allow_simple = false;
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_depth = 64; ///< nesting of arrays and objects
};

/// Which signature vouched for the delivery.
enum class webhook_signature { raw, canonical, simple };

/// A verified delivery.
struct webhook_event {
    std::string session_id;
    open_enum<session_status> status;
    /// "status.updated", "data.updated", ...; empty for v1 deliveries, which have no type.
    std::string webhook_type;
    std::string event_id;       ///< the key to drop duplicates by; empty for v1 deliveries
    std::int64_t timestamp = 0; ///< when it was sent (Unix seconds)
    std::optional<std::int64_t> created_at; ///< when the event happened
    std::optional<std::string> vendor_data;
    std::optional<std::string> workflow_id;
    boost::json::value metadata; ///< null when not set
    /// Present when the status is a decision (Approved, Declined, In Review, Abandoned), in
    /// the shape of the delivery's generation (v3 when it has a webhook_type).
    std::optional<didit::decision> decision;
    webhook_signature verified_by = webhook_signature::raw;
    /// Which of the secrets given vouched for it: 0 for the first (newest). Once no delivery
    /// needs an older secret, it can be retired.
    std::size_t secret_index = 0;
    /// False when only X-Signature-Simple vouched for it: then only session_id, status,
    /// webhook_type and timestamp are authentic; treat the rest as untrusted input.
    bool fully_signed = true;
    boost::json::value raw;
};

/// Verifies a delivery: X-Signature over the exact `body` bytes, else X-Signature-V2 over the
/// body re-serialised as the service serialises it, else (if allowed) X-Signature-Simple;
/// comparisons take constant time. Then checks the timestamp (the body's, which is signed,
/// else the header's) against `now`, and reads the event. On failure, `diag.message` says
/// why (never the secret or the expected signature).
boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers, std::string_view secret,
               std::chrono::system_clock::time_point now, diagnostics& diag,
               const webhook_options& options = {});
boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers, std::string_view secret,
               std::chrono::system_clock::time_point now, const webhook_options& options = {});

/// The same with several secrets, newest first, while a rotated secret spreads: a delivery
/// signed with any of them is accepted (webhook_event::secret_index says which). Every secret
/// must be non-empty, and there must be at least one (else webhook_error::empty_secret).
///
///     verify_webhook(body, headers, {current_secret, previous_secret}, now, diag);
boost::system::result<webhook_event>
verify_webhook(std::string_view body, const webhook_headers& headers,
               std::span<const std::string_view> secrets, std::chrono::system_clock::time_point now,
               diagnostics& diag, const webhook_options& options = {});
boost::system::result<webhook_event> verify_webhook(std::string_view body,
                                                    const webhook_headers& headers,
                                                    std::initializer_list<std::string_view> secrets,
                                                    std::chrono::system_clock::time_point now,
                                                    diagnostics& diag,
                                                    const webhook_options& options = {});
boost::system::result<webhook_event> verify_webhook(std::string_view body,
                                                    const webhook_headers& headers,
                                                    std::initializer_list<std::string_view> secrets,
                                                    std::chrono::system_clock::time_point now,
                                                    const webhook_options& options = {});

/// Remembers the last `capacity` event ids, so that a server can drop a delivery it already
/// handled (the service retries, and a delivery may arrive twice). Size it to cover the
/// timestamp tolerance at your peak webhook rate: older deliveries fail verification anyway.
/// Thread-safe.
class webhook_replay_guard {
public:
    explicit webhook_replay_guard(std::size_t capacity = 10000);

    /// True the first time `event_id` is seen (and remembers it); false for a repeat. An
    /// empty id (v1 deliveries) is always new: use the session id and status instead.
    bool first_time(std::string_view event_id);

private:
    std::mutex mutex_;
    std::size_t capacity_;
    std::unordered_set<std::string> seen_;
    std::deque<std::string> order_; ///< oldest first, for eviction
};

} // namespace didit

template <> struct boost::system::is_error_code_enum<didit::webhook_error> : std::true_type {};
