#pragma once
// What a finished attempt means, and whether the call sends its request again: the one place
// that classifies failures. Pure: time and randomness are passed in, so tests control them.

#include "api/clock.hpp"

#include <didit/config.hpp>
#include <didit/error.hpp>

#include <optional>

namespace didit::detail {

/// What one attempt tells about the request's effect.
enum class attempt_meaning {
    answered,        ///< the service processed the request and said how it went: final
    never_sent,      ///< nothing reached the service: sending again is always safe
    refused,         ///< the service answered without processing it (429, 503): safe again
    outcome_unknown, ///< the service may have processed it, and no usable answer arrived
};

/// The observable facts of one attempt.
struct attempt_facts {
    /// The transport failure (connect_failed, tls_failed, connection_lost, invalid_response for
    /// non-HTTP bytes, response_too_large, request_timeout for an attempt timeout, ...) or,
    /// for a response, nothing; for a 2xx whose body could not be read, the reader's error.
    error_code failure{};
    unsigned status = 0;     ///< HTTP status when a response arrived; 0 otherwise
    bool sent = false;       ///< request bytes may have reached the service
    bool unreadable = false; ///< a 2xx arrived but its body could not be read
    bool permanent = false;  ///< repeating cannot help (the server's certificate was rejected)
};

attempt_meaning classify_attempt(const attempt_facts& facts);

/// A 2xx arrived and its body could not be read: the request took effect, with an unknown
/// result.
bool unreadable_success(const attempt_facts& facts);

/// Everything the retry decision depends on besides the policy.
struct retry_situation {
    attempt_meaning meaning = attempt_meaning::answered;
    bool repeatable = false;      ///< the operation is safe to repeat after an ambiguous attempt
    bool permanent = false;       ///< see attempt_facts::permanent
    bool rate_limited = false;    ///< the attempt was answered 429
    unsigned failed_attempts = 0; ///< failed attempts so far that count against max_attempts
    unsigned retries_so_far = 0;  ///< retries of any kind before this decision
    /// How long the service asked to wait (Retry-After, else X-RateLimit-Reset for a 429).
    std::optional<clock::duration> server_wait{};
    clock::duration time_left = clock::duration::max(); ///< before request_timeout
    double jitter = 0;                                  ///< uniformly random in [0, 1)
};

struct retry_decision {
    bool retry = false;
    clock::duration delay{}; ///< wait this long before the next attempt
};

/// Whether the attempt that `situation` describes is repeated, and after what delay. Never
/// repeats an answered request, one that may have taken effect unless the operation is safe to
/// repeat, or one whose delay would not end before the request timeout.
retry_decision decide_retry(const retry_policy& policy, const retry_situation& situation);

/// The full-jitter backoff before retry number `retry` (1 for the first).
clock::duration backoff_delay(const retry_policy& policy, unsigned retry, double jitter);

/// The error a call finishes with when an attempt of this meaning is its last: a non-repeatable
/// operation whose request may have taken effect without a usable answer ends outcome_unknown.
error_code final_error(const attempt_facts& facts, attempt_meaning meaning, bool repeatable,
                       error_code status_error);

} // namespace didit::detail
