#include "resilience/retry_decision.hpp"

#include <algorithm>

namespace didit::detail {

bool unreadable_success(const attempt_facts& facts) {
    return facts.unreadable && facts.status >= 200 && facts.status < 300;
}

attempt_meaning classify_attempt(const attempt_facts& facts) {
    if (facts.status != 0) {
        if (facts.status == 429 || facts.status == 503)
            return attempt_meaning::refused;
        if (facts.status == 500 || facts.status == 502 || facts.status == 504)
            return attempt_meaning::outcome_unknown; // the service may have done the work
        if (unreadable_success(facts))
            return attempt_meaning::outcome_unknown; // done, but we cannot tell the result
        return attempt_meaning::answered;
    }
    return facts.sent ? attempt_meaning::outcome_unknown : attempt_meaning::never_sent;
}

clock::duration backoff_delay(const retry_policy& policy, unsigned retry, double jitter) {
    using std::chrono::duration_cast;
    auto ceiling = duration_cast<clock::duration>(policy.initial_backoff);
    auto limit = duration_cast<clock::duration>(policy.max_backoff);
    for (unsigned i = 1; i < retry && ceiling < limit; ++i)
        ceiling *= 2;
    ceiling = std::min(ceiling, limit);
    return duration_cast<clock::duration>(ceiling * std::clamp(jitter, 0.0, 1.0));
}

retry_decision decide_retry(const retry_policy& policy, const retry_situation& s) {
    if (policy.max_attempts <= 1 || s.permanent)
        return {};
    switch (s.meaning) {
    case attempt_meaning::answered:
        return {};
    case attempt_meaning::outcome_unknown:
        if (!s.repeatable)
            return {};
        break;
    case attempt_meaning::never_sent:
    case attempt_meaning::refused:
        break;
    }
    if (!s.rate_limited && s.failed_attempts >= policy.max_attempts)
        return {};
    clock::duration delay;
    if (s.server_wait) {
        // Never sooner than the service asked; a little spread so that the calls it turned
        // away do not all come back in the same instant.
        delay = *s.server_wait + backoff_delay(policy, 1, s.jitter);
    } else {
        delay = backoff_delay(policy, s.retries_so_far + 1, s.jitter);
    }
    if (delay >= s.time_left)
        return {};
    return {true, delay};
}

error_code final_error(const attempt_facts& facts, attempt_meaning meaning, bool repeatable,
                       error_code status_error) {
    if (meaning == attempt_meaning::outcome_unknown && !repeatable &&
        (facts.status == 0 || unreadable_success(facts)))
        return error::outcome_unknown;
    if (facts.status != 0 && !unreadable_success(facts))
        return status_error;
    return facts.failure;
}

} // namespace didit::detail
