#define BOOST_TEST_MODULE resilience
// Calls heal from the faults the service marks safe to repeat, stay inside the rate limits,
// and never create a session twice. Every test goes through the emulator over TLS and checks
// counts, never timings.
#include "support.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <set>

using namespace didit_test;
using namespace std::chrono_literals;
using didit::error;
using fault = didit::emulator::fault;
using endpoint = didit::emulator::endpoint;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// Starts a v3 create for vendor(n) (or none, when `with_vendor_data` is false).
void start_v3(fixture& f, outcome& out, std::size_t n, bool with_vendor_data = true) {
    auto who = vendor(n);
    f.client->create_workflow_session(
        {.workflow_id = workflow, .vendor_data = with_vendor_data ? who : std::string_view{}},
        out.diag, [&out](didit::error_code ec, didit::session s) {
            out.ec = ec;
            out.session = std::move(s);
            out.done = true;
        });
}

std::size_t count_of(const std::vector<outcome>& outs, didit::error_code ec) {
    std::size_t n = 0;
    for (const auto& o : outs)
        n += o.ec == ec ? 1 : 0;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(healing)

BOOST_AUTO_TEST_CASE(creates_wait_out_429s_no_sooner_than_retry_after) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond,
                       .times = 30,
                       .status = 429,
                       .body = R"({"detail":"Request was throttled."})",
                       .retry_after = 1});
    auto outs = f.create_concurrently(300);
    BOOST_TEST(count_succeeded(outs) == 300u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == 330u);
    BOOST_TEST(seen.sessions_created == 300u);
    std::size_t waits = 0;
    for (const auto& o : outs)
        for (const auto& retry : o.diag.retries) {
            BOOST_TEST((retry.error == error::rate_limited));
            BOOST_TEST(retry.http_status == 429);
            BOOST_TEST((retry.delay >= 1s)); // never sooner than the service asked
            ++waits;
        }
    BOOST_TEST(waits == 30u);
    BOOST_TEST(f.client->stats().rate_limited_received == 30u);
    BOOST_TEST(f.client->stats().retries == 30u);
}

BOOST_AUTO_TEST_CASE(creates_heal_from_503_bursts_and_random_503s) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond, .times = 30, .status = 503});
    f.emulator.inject(
        {.what = fault::kind::respond, .times = 1000, .status = 503, .probability = 0.05});
    auto outs = f.create_concurrently(300);
    BOOST_TEST(count_succeeded(outs) == 300u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.sessions_created == 300u);
    BOOST_TEST(seen.create_session_requests > 330u); // the random ones came on top
    unsigned attempts = 0;
    for (const auto& o : outs) {
        attempts += o.diag.attempts;
        for (const auto& retry : o.diag.retries)
            BOOST_TEST((retry.error == error::service_unavailable));
    }
    BOOST_TEST(attempts == seen.create_session_requests);
}

BOOST_AUTO_TEST_CASE(a_token_endpoint_that_fails_then_throttles_heals_in_one_flight) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond,
                       .where = endpoint::token,
                       .times = 3,
                       .delay = 20ms, // gives overlapping requests a chance to be seen
                       .status = 503});
    f.emulator.inject({.what = fault::kind::respond,
                       .where = endpoint::token,
                       .times = 2,
                       .delay = 20ms,
                       .status = 429,
                       .retry_after = 1});
    auto outs = f.create_concurrently(100);
    BOOST_TEST(count_succeeded(outs) == 100u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 6u);
    BOOST_TEST(seen.token_requests_peak_in_flight == 1u); // token requests never overlap
    BOOST_TEST(seen.create_session_requests == 100u);
}

BOOST_AUTO_TEST_CASE(reads_and_deletes_are_retried_after_ambiguous_failures) {
    fixture f{{}, [](didit::config& cfg) { cfg.retry.max_attempts = 5; }};
    auto created = f.create(1);
    BOOST_REQUIRE(!created.ec);
    auto id = created.session.session_id;
    for (auto kind : {fault::kind::drop_after_processing, fault::kind::truncated_body,
                      fault::kind::non_json_body})
        f.emulator.inject({.what = kind, .where = endpoint::decision});
    f.emulator.inject({.what = fault::kind::respond, .where = endpoint::decision, .status = 502});
    bool read = false;
    didit::diagnostics read_diag;
    f.client->retrieve_decision(id, read_diag, [&](didit::error_code ec, didit::decision d) {
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(d.session_id == id);
        read = true;
    });
    run_until(f.io, [&] { return read; });
    BOOST_TEST(read_diag.attempts == 5u);
    BOOST_TEST(read_diag.retries.size() == 4u);

    // The delete is processed, then the connection drops: the retry's 404 means done.
    f.emulator.inject(
        {.what = fault::kind::drop_after_processing, .where = endpoint::delete_session});
    bool deleted = false;
    didit::diagnostics delete_diag;
    f.client->delete_session(id, delete_diag, [&](didit::error_code ec) {
        BOOST_TEST(!ec, ec.message());
        deleted = true;
    });
    run_until(f.io, [&] { return deleted; });
    BOOST_TEST(delete_diag.attempts == 2u);
    BOOST_TEST(f.emulator.stats().delete_requests == 2u);
    BOOST_TEST(!f.emulator.session_status(id).has_value());
}

BOOST_AUTO_TEST_CASE(a_create_s_500_is_not_retried_nor_retryable) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond, .status = 502});
    auto out = f.create();
    BOOST_TEST((out.ec == error::server_error));
    BOOST_TEST((out.ec != didit::condition::retryable));
    BOOST_TEST(out.diag.attempts == 1u);
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
}

BOOST_AUTO_TEST_CASE(retries_can_be_switched_off) {
    fixture f{{}, [](didit::config& cfg) { cfg.retry = didit::retry_policy::none(); }};
    f.emulator.inject({.what = fault::kind::respond, .status = 503});
    auto out = f.create();
    BOOST_TEST((out.ec == error::service_unavailable));
    BOOST_TEST((out.ec == didit::condition::retryable));
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(never_twice)

BOOST_AUTO_TEST_CASE(ambiguous_v1_creates_end_outcome_unknown_and_are_never_resent) {
    fixture f;
    for (auto kind : {fault::kind::drop_after_processing, fault::kind::truncated_body,
                      fault::kind::non_json_body})
        f.emulator.inject({.what = kind, .times = 5});
    auto outs = f.create_concurrently(100);
    auto unknown = count_of(outs, error::outcome_unknown);
    BOOST_TEST(unknown == 15u);
    BOOST_TEST(count_succeeded(outs) == 85u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == 100u); // none sent twice
    BOOST_TEST(seen.sessions_created == count_succeeded(outs) + unknown);
    for (const auto& o : outs)
        if (o.ec == error::outcome_unknown) {
            BOOST_TEST(o.diag.request_sent);
            BOOST_TEST(!o.diag.message.empty());
            BOOST_TEST((o.ec != didit::condition::retryable));
        }
}

BOOST_AUTO_TEST_CASE(ambiguous_v3_creates_with_vendor_data_make_exactly_one_session_each) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    for (auto kind : {fault::kind::drop_after_processing, fault::kind::truncated_body,
                      fault::kind::non_json_body})
        f.emulator.inject({.what = kind, .times = 5});
    f.emulator.inject({.what = fault::kind::respond, .times = 5, .status = 502});
    std::vector<outcome> outs(100);
    for (std::size_t i = 0; i < outs.size(); ++i)
        start_v3(f, outs[i], i);
    f.run_until_done(outs);
    BOOST_TEST(count_succeeded(outs) == 100u);
    std::set<std::string> ids;
    for (const auto& o : outs)
        ids.insert(o.session.session_id);
    BOOST_TEST(ids.size() == 100u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.sessions_created == 100u);        // one per vendor_data
    BOOST_TEST(seen.create_session_requests == 120u); // one more request per fault
    // Every request the service processed beyond the first of each person found that
    // person's session; only the 502s were not processed.
    BOOST_TEST(seen.sessions_reused == seen.create_session_requests - seen.sessions_created - 5);
}

BOOST_AUTO_TEST_CASE(a_v3_create_without_vendor_data_is_not_repeatable) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    f.emulator.inject({.what = fault::kind::drop_after_processing});
    std::vector<outcome> outs(1);
    start_v3(f, outs[0], 0, /*with_vendor_data=*/false);
    f.run_until_done(outs);
    BOOST_TEST((outs[0].ec == error::outcome_unknown));
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
}

BOOST_AUTO_TEST_CASE(an_attempt_timeout_repeats_only_what_is_safe) {
    auto short_attempts = [](didit::config& cfg) { cfg.retry.attempt_timeout = 200ms; };
    fixture v1{{}, short_attempts};
    BOOST_TEST(!v1.create(0).ec); // token and connection ready
    v1.emulator.inject({.what = fault::kind::delay, .delay = 1s});
    auto stalled = v1.create(1);
    BOOST_TEST((stalled.ec == error::outcome_unknown));
    BOOST_TEST(stalled.diag.message.find("attempt_timeout") != std::string::npos,
               stalled.diag.message);

    fixture v3{{}, [&](didit::config& cfg) {
                   cfg = as_v3(cfg);
                   short_attempts(cfg);
               }};
    v3.emulator.inject({.what = fault::kind::delay, .delay = 1s});
    std::vector<outcome> outs(1);
    start_v3(v3, outs[0], 7);
    v3.run_until_done(outs);
    BOOST_TEST(!outs[0].ec, outs[0].ec.message());
    BOOST_TEST((outs[0].diag.retries.at(0).error == error::request_timeout));
    // The stalled attempt was processed after all; the retry found the same session.
    run_until(v3.io, [&] { return v3.emulator.stats().create_session_requests == 2u; });
    BOOST_TEST(v3.emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rate_budget)

BOOST_AUTO_TEST_CASE(a_budget_matching_the_service_draws_no_429) {
    didit::emulator::server emulator;
    emulator.enable_rate_limits({.window = 1s, .generic_write = 1000, .create_session = 20});
    // The client is made after the limits are on, so its configuration matches them.
    asio::io_context io;
    auto cfg = emulator.client_config(); // a budget matching the emulator's limits
    BOOST_TEST(cfg.rate_limits.enabled);
    BOOST_TEST(cfg.rate_limits.create_session == 20u);
    didit::client client{io.get_executor(), cfg};
    std::vector<outcome> outs(200);
    for (std::size_t i = 0; i < outs.size(); ++i) {
        auto who = vendor(i);
        client.create_session({.callback = callback_url, .vendor_data = who}, outs[i].diag,
                              [&out = outs[i]](didit::error_code ec, didit::session s) {
                                  out.ec = ec;
                                  out.session = std::move(s);
                                  out.done = true;
                              });
    }
    auto all_done = [&] {
        for (const auto& o : outs)
            if (!o.done)
                return false;
        return true;
    };
    while (!all_done())
        BOOST_REQUIRE(io.run_one() > 0);
    BOOST_TEST(count_succeeded(outs) == 200u);
    BOOST_TEST(emulator.stats().throttled == 0u);
    BOOST_TEST(emulator.stats().create_session_requests == 200u);
    BOOST_TEST(client.stats().budget_waits > 0u);
}

BOOST_AUTO_TEST_CASE(calls_waiting_for_budget_are_served_in_arrival_order) {
    // One connection and two creates per half second: twelve calls leave over three seconds,
    // and the service numbers them in the order they were made.
    fixture f{{}, [](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.max_connections_per_origin = 1;
                  cfg.rate_limits = {.window = 500ms, .create_session = 2};
              }};
    std::vector<outcome> outs(12);
    for (std::size_t i = 0; i < outs.size(); ++i)
        start_v3(f, outs[i], i);
    f.run_until_done(outs);
    BOOST_TEST(count_succeeded(outs) == outs.size());
    for (std::size_t i = 1; i < outs.size(); ++i)
        BOOST_TEST(*outs[i].session.session_number > *outs[i - 1].session.session_number);
    BOOST_TEST(f.client->stats().budget_waits >= 10u);
}

BOOST_AUTO_TEST_CASE(a_budget_with_no_room_before_the_timeout_fails_at_once) {
    fixture f{{}, [](didit::config& cfg) {
                  cfg.rate_limits = {.window = 60s, .create_session = 2};
                  cfg.request_timeout = 5s;
              }};
    BOOST_TEST(!f.create(0).ec);
    BOOST_TEST(!f.create(1).ec);
    auto out = f.create(2);
    BOOST_TEST((out.ec == error::rate_limited));
    BOOST_TEST(out.diag.retry_after.has_value());
    BOOST_TEST(out.diag.http_status == 0); // decided without asking the service
    BOOST_TEST(f.emulator.stats().create_session_requests == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
