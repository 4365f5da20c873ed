#include "credentials/token_policy.hpp"

#include <boost/test/unit_test.hpp>

using namespace didit::detail;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(token_policy)

BOOST_AUTO_TEST_CASE(margin_is_a_tenth_of_short_lifetimes) {
    BOOST_TEST((refresh_margin(10s) == 1s));
    BOOST_TEST((refresh_margin(60s) == 6s));
    BOOST_TEST((refresh_margin(1s) == 100ms));
}

BOOST_AUTO_TEST_CASE(margin_is_capped_at_five_minutes_for_long_lifetimes) {
    BOOST_TEST((refresh_margin(86400s) == 5min));
    BOOST_TEST((refresh_margin(std::chrono::hours{24 * 30}) == 5min));
}

BOOST_AUTO_TEST_CASE(schedule_counts_from_when_the_request_was_sent) {
    clock::time_point sent{100s};
    auto lifetime = schedule_token(sent, 86400s);
    BOOST_TEST((lifetime.expires_at == sent + 86400s));
    BOOST_TEST((lifetime.refresh_at == sent + 86400s - 5min));
}

BOOST_AUTO_TEST_CASE(no_token_means_wait) {
    BOOST_TEST((decide_token_action(nullptr, false, clock::time_point{1s}, {}) ==
                token_action::wait_for_refresh));
    BOOST_TEST((decide_token_action(nullptr, true, clock::time_point{1s}, {}) ==
                token_action::wait_for_refresh));
}

BOOST_AUTO_TEST_CASE(fresh_token_is_used_without_refresh) {
    auto lifetime = schedule_token(clock::time_point{0s}, 100s);
    BOOST_TEST(
        (decide_token_action(&lifetime, false, clock::time_point{50s}, {}) == token_action::use));
}

BOOST_AUTO_TEST_CASE(due_token_is_used_while_one_refresh_starts) {
    auto lifetime = schedule_token(clock::time_point{0s}, 100s); // refresh at 90 s
    BOOST_TEST((decide_token_action(&lifetime, false, clock::time_point{95s}, {}) ==
                token_action::use_and_refresh));
    // A refresh in flight: just use the token, never start a second refresh.
    BOOST_TEST(
        (decide_token_action(&lifetime, true, clock::time_point{95s}, {}) == token_action::use));
}

BOOST_AUTO_TEST_CASE(expired_token_is_never_used) {
    auto lifetime = schedule_token(clock::time_point{0s}, 100s);
    BOOST_TEST((decide_token_action(&lifetime, false, clock::time_point{100s}, {}) ==
                token_action::wait_for_refresh));
    BOOST_TEST((decide_token_action(&lifetime, true, clock::time_point{150s}, {}) ==
                token_action::wait_for_refresh));
}

BOOST_AUTO_TEST_CASE(failed_background_refresh_backs_off_but_keeps_serving) {
    auto lifetime = schedule_token(clock::time_point{0s}, 100s);
    auto retry = next_refresh_attempt(clock::time_point{92s}, lifetime.expires_at);
    BOOST_TEST((retry == clock::time_point{94s})); // a quarter of the 8 s left
    BOOST_TEST((decide_token_action(&lifetime, false, clock::time_point{93s}, retry) ==
                token_action::use));
    BOOST_TEST((decide_token_action(&lifetime, false, clock::time_point{94s}, retry) ==
                token_action::use_and_refresh));
}

BOOST_AUTO_TEST_CASE(backoff_is_at_most_thirty_seconds) {
    auto now = clock::time_point{0s};
    BOOST_TEST((next_refresh_attempt(now, now + 86400s) == now + 30s));
    BOOST_TEST((next_refresh_attempt(now, now - 5s) == now));
}

BOOST_AUTO_TEST_CASE(one_refresh_per_lifetime_over_a_day_of_requests) {
    // Simulate a request every second for a day with tokens that live an hour; refreshes
    // complete instantly. Exactly one refresh per lifetime, none waited for after the first.
    auto start = clock::time_point{0s};
    auto lifetime = schedule_token(start, 3600s);
    int refreshes = 0;
    for (auto now = start; now < start + 86400s; now += 1s) {
        auto action = decide_token_action(&lifetime, false, now, {});
        BOOST_REQUIRE(action != token_action::wait_for_refresh);
        if (action == token_action::use_and_refresh) {
            ++refreshes;
            lifetime = schedule_token(now, 3600s);
        }
    }
    // Each token is refreshed 360 s (a tenth) before its hour is up: every 3240 s.
    BOOST_TEST(refreshes == 86400 / 3240);
}

BOOST_AUTO_TEST_SUITE_END()
