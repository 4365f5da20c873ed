#include "resilience/retry_decision.hpp"

#include <boost/test/unit_test.hpp>

using namespace didit;
using namespace didit::detail;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(attempt_classification)

BOOST_AUTO_TEST_CASE(nothing_sent_is_safe_to_send_again) {
    BOOST_TEST(
        (classify_attempt({.failure = error::connect_failed}) == attempt_meaning::never_sent));
    BOOST_TEST((classify_attempt({.failure = error::tls_failed}) == attempt_meaning::never_sent));
}

BOOST_AUTO_TEST_CASE(answers_that_processed_nothing_are_refusals) {
    BOOST_TEST((classify_attempt({.status = 429, .sent = true}) == attempt_meaning::refused));
    BOOST_TEST((classify_attempt({.status = 503, .sent = true}) == attempt_meaning::refused));
}

BOOST_AUTO_TEST_CASE(what_may_have_taken_effect_is_outcome_unknown) {
    for (unsigned status : {500u, 502u, 504u})
        BOOST_TEST((classify_attempt({.status = status, .sent = true}) ==
                    attempt_meaning::outcome_unknown));
    BOOST_TEST((classify_attempt({.failure = error::connection_lost, .sent = true}) ==
                attempt_meaning::outcome_unknown));
    BOOST_TEST((classify_attempt({.failure = error::invalid_response, .sent = true}) ==
                attempt_meaning::outcome_unknown)); // non-HTTP bytes
    BOOST_TEST((classify_attempt({.failure = error::request_timeout, .sent = true}) ==
                attempt_meaning::outcome_unknown)); // attempt timeout
    BOOST_TEST((classify_attempt({.failure = error::invalid_response,
                                  .status = 201,
                                  .sent = true,
                                  .unreadable = true}) == attempt_meaning::outcome_unknown));
}

BOOST_AUTO_TEST_CASE(other_answers_are_final) {
    for (unsigned status : {200u, 201u, 400u, 401u, 403u, 404u, 409u})
        BOOST_TEST(
            (classify_attempt({.status = status, .sent = true}) == attempt_meaning::answered));
    // A 400 too big to read made nothing either.
    BOOST_TEST((classify_attempt({.failure = error::response_too_large,
                                  .status = 400,
                                  .sent = true,
                                  .unreadable = true}) == attempt_meaning::answered));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retry_decisions)

namespace {

retry_situation situation(attempt_meaning meaning, bool repeatable) {
    return {.meaning = meaning, .repeatable = repeatable, .failed_attempts = 1, .jitter = 0.5};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_create_is_never_repeated_once_it_may_have_taken_effect) {
    retry_policy policy;
    BOOST_TEST(!decide_retry(policy, situation(attempt_meaning::outcome_unknown, false)).retry);
    BOOST_TEST(decide_retry(policy, situation(attempt_meaning::outcome_unknown, true)).retry);
    BOOST_TEST(decide_retry(policy, situation(attempt_meaning::never_sent, false)).retry);
    BOOST_TEST(decide_retry(policy, situation(attempt_meaning::refused, false)).retry);
    BOOST_TEST(!decide_retry(policy, situation(attempt_meaning::answered, true)).retry);
}

BOOST_AUTO_TEST_CASE(attempts_are_bounded_but_429s_do_not_use_them_up) {
    retry_policy policy{.max_attempts = 3};
    auto s = situation(attempt_meaning::refused, false);
    s.failed_attempts = 2;
    BOOST_TEST(decide_retry(policy, s).retry);
    s.failed_attempts = 3;
    BOOST_TEST(!decide_retry(policy, s).retry);
    s.rate_limited = true;
    BOOST_TEST(decide_retry(policy, s).retry);
}

BOOST_AUTO_TEST_CASE(one_attempt_switches_every_retry_off) {
    auto policy = retry_policy::none();
    auto s = situation(attempt_meaning::refused, true);
    s.rate_limited = true;
    s.server_wait = 1s;
    BOOST_TEST(!decide_retry(policy, s).retry);
    BOOST_TEST(!decide_retry(policy, situation(attempt_meaning::never_sent, true)).retry);
}

BOOST_AUTO_TEST_CASE(the_service_s_wait_is_never_shortened) {
    retry_policy policy;
    auto s = situation(attempt_meaning::refused, false);
    s.rate_limited = true;
    s.server_wait = 7s;
    for (double jitter : {0.0, 0.5, 0.999}) {
        s.jitter = jitter;
        auto decision = decide_retry(policy, s);
        BOOST_TEST(decision.retry);
        BOOST_TEST((decision.delay >= 7s));
        BOOST_TEST((decision.delay < 7s + policy.initial_backoff));
    }
}

BOOST_AUTO_TEST_CASE(no_wait_that_outlasts_the_request_timeout) {
    retry_policy policy;
    auto s = situation(attempt_meaning::refused, false);
    s.server_wait = 7s;
    s.time_left = 5s;
    BOOST_TEST(!decide_retry(policy, s).retry);
    s.time_left = 8s;
    BOOST_TEST(decide_retry(policy, s).retry);
}

BOOST_AUTO_TEST_CASE(backoff_is_full_jitter_under_a_doubling_ceiling) {
    retry_policy policy{.initial_backoff = 100ms, .max_backoff = 1s};
    BOOST_TEST((backoff_delay(policy, 1, 0.0) == clock::duration{0}));
    BOOST_TEST((backoff_delay(policy, 1, 0.5) == 50ms));
    BOOST_TEST((backoff_delay(policy, 2, 0.5) == 100ms));
    BOOST_TEST((backoff_delay(policy, 3, 0.5) == 200ms));
    BOOST_TEST((backoff_delay(policy, 10, 0.5) == 500ms)); // capped at max_backoff
    BOOST_TEST((backoff_delay(policy, 1000, 1.0) == 1s));  // no overflow
}

BOOST_AUTO_TEST_CASE(a_refused_certificate_is_not_retried) {
    auto s = situation(attempt_meaning::never_sent, true);
    s.permanent = true;
    BOOST_TEST(!decide_retry(retry_policy{}, s).retry);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(final_errors)

BOOST_AUTO_TEST_CASE(an_ambiguous_end_of_a_create_is_outcome_unknown) {
    attempt_facts lost{.failure = error::connection_lost, .sent = true};
    BOOST_TEST(
        (final_error(lost, attempt_meaning::outcome_unknown, false, {}) == error::outcome_unknown));
    BOOST_TEST(
        (final_error(lost, attempt_meaning::outcome_unknown, true, {}) == error::connection_lost));
    attempt_facts garbage{
        .failure = error::invalid_response, .status = 201, .sent = true, .unreadable = true};
    BOOST_TEST((final_error(garbage, attempt_meaning::outcome_unknown, false, {}) ==
                error::outcome_unknown));
    BOOST_TEST((final_error(garbage, attempt_meaning::outcome_unknown, true, {}) ==
                error::invalid_response));
}

BOOST_AUTO_TEST_CASE(a_status_that_ends_a_call_is_its_error) {
    attempt_facts failed{.status = 502, .sent = true};
    BOOST_TEST((final_error(failed, attempt_meaning::outcome_unknown, false, error::server_error) ==
                error::server_error));
    attempt_facts unavailable{.status = 503, .sent = true};
    BOOST_TEST((final_error(unavailable, attempt_meaning::refused, false,
                            error::service_unavailable) == error::service_unavailable));
}

BOOST_AUTO_TEST_SUITE_END()
