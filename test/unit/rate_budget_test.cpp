#include "resilience/local_rate_budget.hpp"

#include <boost/test/unit_test.hpp>

using namespace didit;
using namespace didit::detail;
using namespace std::chrono_literals;

namespace {

const auto start = clock::time_point{} + 1000h;
const auto creates = scopes_for(rate_scope::create_session, /*read=*/false);
const auto reads = scopes_for(std::nullopt, /*read=*/true);

rate_limits small() {
    return {.window = 1s,
            .create_session = 3,
            .retrieve_decision = 100,
            .generate_pdf = 100,
            .generic_get = 100,
            .generic_write = 100};
}

/// Takes slots until the budget refuses; returns how many it granted.
unsigned take_all(local_rate_budget& budget, const request_scopes& scopes, clock::time_point at) {
    unsigned taken = 0;
    while (budget.try_take(scopes, at) == at)
        ++taken;
    return taken;
}

} // namespace

BOOST_AUTO_TEST_SUITE(local_rate_budget_window)

BOOST_AUTO_TEST_CASE(a_full_scope_says_when_it_has_room_again) {
    local_rate_budget budget{small()};
    BOOST_TEST(take_all(budget, creates, start) == 3u);
    auto when = budget.try_take(creates, start + 100ms);
    BOOST_REQUIRE(when.has_value());
    // The window plus a margin for the time a request takes to reach the service.
    BOOST_TEST((*when >= start + 1250ms));
    BOOST_TEST((*when <= start + 1300ms));
    BOOST_TEST((budget.try_take(creates, *when) == *when)); // room again then
}

BOOST_AUTO_TEST_CASE(scopes_are_counted_apart) {
    local_rate_budget budget{small()};
    BOOST_TEST(take_all(budget, creates, start) == 3u);
    BOOST_TEST((budget.try_take(reads, start) == start)); // reads are another scope
}

BOOST_AUTO_TEST_CASE(a_request_counts_against_its_generic_scope_too) {
    auto limits = small();
    limits.create_session = 100;
    limits.generic_write = 2;
    local_rate_budget budget{limits};
    BOOST_TEST(take_all(budget, creates, start) == 2u);
}

BOOST_AUTO_TEST_CASE(a_smaller_limit_from_the_service_wins) {
    local_rate_budget budget{small()};
    budget.observe(creates, {.limit = 2}, start);
    BOOST_TEST(budget.limit(rate_scope::create_session) == 2u);
    BOOST_TEST(take_all(budget, creates, start) == 2u);
    budget.observe(creates, {.limit = 50}, start); // never more than configured
    BOOST_TEST(budget.limit(rate_scope::create_session) == 3u);
}

BOOST_AUTO_TEST_CASE(a_429_holds_the_scope_for_its_retry_after) {
    local_rate_budget budget{small()};
    budget.observe(creates, {.retry_after = 2s, .throttled = true}, start);
    BOOST_TEST((budget.try_take(creates, start) == start + 2s));
    BOOST_TEST((budget.try_take(creates, start + 2s) == start + 2s));
}

BOOST_AUTO_TEST_CASE(the_service_s_remaining_count_covers_a_shared_key) {
    local_rate_budget budget{small()};
    // Other holders of the key left room for one more request before the reset.
    budget.observe(creates, {.remaining = 1, .reset_in = 500ms}, start);
    BOOST_TEST(take_all(budget, creates, start) == 1u);
    BOOST_TEST((budget.try_take(creates, start) == start + 500ms));
    BOOST_TEST((budget.try_take(creates, start + 500ms) == start + 500ms)); // reset passed
}

BOOST_AUTO_TEST_CASE(a_zero_limit_leaves_a_scope_unlimited) {
    auto limits = small();
    limits.create_session = 0;
    limits.generic_write = 0;
    local_rate_budget budget{limits};
    for (int i = 0; i < 1000; ++i)
        BOOST_REQUIRE((budget.try_take(creates, start) == start));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_fleet_process_keeps_its_share_of_each_limit) {
    local_rate_budget third{small(), 1.0 / 3}; // 3 creates per window: 1 for this process
    BOOST_TEST(third.limit(rate_scope::create_session) == 1u);
    BOOST_TEST(third.limit(rate_scope::generic_write) == 33u);
    BOOST_TEST(take_all(third, creates, start) == 1u);
    local_rate_budget tiny{small(), 0.01}; // never below one per window
    BOOST_TEST(tiny.limit(rate_scope::create_session) == 1u);
}

BOOST_AUTO_TEST_CASE(requests_let_through_elsewhere_count_when_the_budget_takes_over) {
    local_rate_budget budget{small()};
    budget.record(creates, start);
    budget.record(creates, start + 100ms);
    BOOST_TEST(take_all(budget, creates, start + 200ms) == 1u); // 3 per window, 2 recorded
    // Recorded ones leave the window like any other.
    BOOST_TEST(take_all(budget, creates, start + 2s) == 3u);
}

BOOST_AUTO_TEST_SUITE(reach_margins)

BOOST_AUTO_TEST_CASE(answers_shrink_the_margin_to_what_the_network_needs) {
    local_rate_budget budget{small()};
    BOOST_TEST(take_all(budget, creates, start) == 3u);
    // Each answer came 3 ms after its slot was taken: the service counted it by then.
    for (int i = 0; i < 3; ++i)
        budget.observe(creates, {.round_trip = 3ms}, start + 3ms);
    // A slot given out again after the window, the round trip and 5 ms:
    auto when = budget.try_take(creates, start + 100ms);
    BOOST_REQUIRE(when.has_value());
    BOOST_TEST((*when == start + 1s + 3ms + 5ms)); // the window, the round trip, 5 ms
}

BOOST_AUTO_TEST_CASE(the_slowest_answer_whose_slot_may_still_count_sets_the_margin) {
    reach_margin margin{60s};
    BOOST_TEST((margin.value(start) == 2s)); // before any answer: a twentieth, at most 2 s
    margin.observe(40ms, start);
    margin.observe(900ms, start + 1s);
    for (int i = 0; i < 1000; ++i) // however many fast answers follow
        margin.observe(10ms, start + 2s + i * 10ms);
    BOOST_TEST((margin.value(start + 30s) == 905ms));
    // Two windows after it, no slot of that request can count any more.
    BOOST_TEST((margin.value(start + 1s + 120s + 1ms) == 15ms));
    BOOST_TEST((margin.value(start + 1000h) == 2s)); // nothing answered lately: the guess
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(slots_in_line)

BOOST_AUTO_TEST_CASE(a_place_in_line_tells_when_its_slot_comes) {
    local_rate_budget budget{small()}; // 3 creates a window; a slot counts 1.25 s
    BOOST_TEST((budget.slot_after(creates, start, 0) == start));
    BOOST_TEST((budget.slot_after(creates, start, 2) == start));
    BOOST_TEST((budget.slot_after(creates, start, 3) == start + 1250ms));
    BOOST_TEST((budget.slot_after(creates, start, 7) == start + 2500ms));
    BOOST_TEST(take_all(budget, creates, start) == 3u);
    BOOST_TEST((budget.slot_after(creates, start + 10ms, 0) == start + 1250ms));
    BOOST_TEST((budget.slot_after(creates, start + 10ms, 2) == start + 1250ms));
    BOOST_TEST((budget.slot_after(creates, start + 10ms, 3) == start + 2500ms));
    BOOST_TEST((budget.slot_after(creates, start + 10ms, 300) == start + 101 * 1250ms));
    // Asking takes nothing.
    BOOST_TEST((budget.try_take(creates, start + 1250ms) == start + 1250ms));
}

BOOST_AUTO_TEST_CASE(a_hold_from_the_service_delays_every_place) {
    local_rate_budget budget{small()};
    budget.observe(creates, {.retry_after = 5s, .throttled = true}, start);
    BOOST_TEST((budget.slot_after(creates, start, 0) == start + 5s));
    BOOST_TEST((budget.slot_after(creates, start, 3) == start + 5s + 1250ms));
}

BOOST_AUTO_TEST_SUITE_END()
