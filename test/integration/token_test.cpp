#define BOOST_TEST_MODULE token refresher
#include "support.hpp"

using namespace didit_test;
using didit::error;
using fault = didit::emulator::fault;

BOOST_AUTO_TEST_CASE(a_thousand_concurrent_calls_on_a_cold_client_fetch_one_token) {
    fixture f;
    auto outs = f.create_concurrently(1000);
    BOOST_TEST(count_succeeded(outs) == 1000u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 1u);
    BOOST_TEST(seen.sessions_created == 1000u);
}

BOOST_AUTO_TEST_CASE(the_token_is_reused_across_calls) {
    fixture f;
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(!f.create(i).ec);
    BOOST_TEST(f.emulator.stats().token_requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_token_expiring_under_load_is_refreshed_once) {
    fixture f;
    BOOST_TEST(!f.create().ec);
    f.emulator.expire_tokens(); // every call below first meets a 401
    auto outs = f.create_concurrently(1000);
    BOOST_TEST(count_succeeded(outs) == 1000u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 2u);
    BOOST_TEST(seen.sessions_created == 1001u);
}

BOOST_AUTO_TEST_CASE(a_401_refreshes_and_retries_once) {
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.expire_tokens();
    auto out = f.create(1);
    BOOST_TEST(!out.ec, out.ec.message());
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 2u);
    BOOST_TEST(seen.create_session_requests == 3u); // 1 + (401 + retry)
    BOOST_TEST(seen.sessions_created == 2u);
}

BOOST_AUTO_TEST_CASE(a_second_401_is_an_error) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond,
                       .times = 2,
                       .status = 401,
                       .body = R"({"detail":"Given token not valid for any token type"})"});
    auto out = f.create();
    BOOST_TEST((out.ec == error::unauthorized));
    BOOST_TEST(out.diag.http_status == 401);
    BOOST_TEST(out.diag.detail == "Given token not valid for any token type");
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 2u);
    BOOST_TEST(seen.create_session_requests == 2u);
    BOOST_TEST(seen.sessions_created == 0u);
}

BOOST_AUTO_TEST_CASE(a_late_401_does_not_discard_a_newer_token) {
    // Two calls share the first token. One is refused at once and fetches a second token; the
    // other's refusal arrives later, when the second token is current: it must retry with
    // that token rather than throw it away and fetch a third.
    fixture f;
    f.emulator.inject({.what = fault::kind::respond,
                       .delay = std::chrono::milliseconds{500},
                       .status = 401,
                       .body = R"({"detail":"Given token not valid for any token type"})"});
    f.emulator.inject({.what = fault::kind::respond,
                       .status = 401,
                       .body = R"({"detail":"Given token not valid for any token type"})"});
    auto outs = f.create_concurrently(2);
    BOOST_TEST(count_succeeded(outs) == 2u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 2u);
    BOOST_TEST(seen.create_session_requests == 4u);
    BOOST_TEST(seen.sessions_created == 2u);
}

BOOST_AUTO_TEST_CASE(a_failing_token_endpoint_fails_all_waiters_then_recovers) {
    // The refresh retries inside its single flight; once every attempt failed, every waiter
    // fails with that flight's error.
    fixture f;
    auto attempts = f.cfg.retry.max_attempts;
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::token,
                       .times = attempts,
                       .status = 503,
                       .body = R"({"detail":"token service down"})"});
    auto outs = f.create_concurrently(100);
    for (const auto& o : outs) {
        BOOST_TEST((o.ec == error::service_unavailable));
        BOOST_TEST(o.diag.http_status == 503);
        BOOST_TEST(o.diag.detail == "token service down");
        BOOST_TEST(o.diag.message.find("token") != std::string::npos);
    }
    BOOST_TEST(f.emulator.stats().token_requests == attempts); // one flight, no stampede
    BOOST_TEST(f.emulator.stats().token_requests_peak_in_flight == 1u);
    BOOST_TEST(f.emulator.stats().create_session_requests == 0u);

    auto next = f.create();
    BOOST_TEST(!next.ec, next.ec.message()); // not poisoned
    BOOST_TEST(f.emulator.stats().token_requests == attempts + 1);
}

BOOST_AUTO_TEST_CASE(wrong_credentials_are_reported_without_the_secret) {
    fixture f{{}, [](didit::config& cfg) { cfg.client_secret = "wrong-secret-4b1d"; }};
    auto out = f.create();
    BOOST_TEST((out.ec == error::token_rejected));
    BOOST_TEST((out.ec == didit::condition::unauthorized));
    BOOST_TEST(out.diag.http_status == 401);
    BOOST_TEST(out.diag.detail == "Client authentication failed.");
    for (const auto& text : {out.ec.message(), out.diag.detail, out.diag.message})
        BOOST_TEST(text.find("wrong-secret-4b1d") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_token_response_is_invalid) {
    fixture f;
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::token,
                       .times = f.cfg.retry.max_attempts, // a token request is retried

                       .status = 200,
                       .body = R"({"access_token":"abc"})"});
    auto out = f.create();
    BOOST_TEST((out.ec == error::invalid_response));
    BOOST_TEST(out.diag.message.find("expires_in") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_slow_token_endpoint_times_out) {
    fixture f{{}, [](didit::config& cfg) { cfg.token_timeout = std::chrono::milliseconds{200}; }};
    f.emulator.inject({.what = fault::kind::delay,
                       .where = didit::emulator::endpoint::token,
                       .delay = std::chrono::seconds{10}});
    auto outs = f.create_concurrently(10);
    for (const auto& o : outs)
        BOOST_TEST((o.ec == error::token_timeout));
    BOOST_TEST(f.emulator.stats().token_requests == 1u);
}

BOOST_AUTO_TEST_CASE(short_lived_tokens_are_refreshed_before_they_expire) {
    // A token that lives one second is due for refresh after 0.9 s. Calls keep going until the
    // refresh has happened; none of them may meet a 401 (which would show as a third
    // create_session request for two sessions).
    didit::emulator::options opts;
    opts.token_lifetime = std::chrono::seconds{1};
    fixture f{opts};
    std::size_t n = 0;
    while (f.emulator.stats().token_requests < 2) {
        auto out = f.create(n++);
        BOOST_REQUIRE_MESSAGE(!out.ec, out.ec.message());
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == seen.sessions_created);
}

BOOST_AUTO_TEST_CASE(a_failed_background_refresh_keeps_the_old_token_serving) {
    // Tokens live one second, so the client refreshes in the background after 0.9 s. That
    // refresh fails; calls must keep succeeding on the old token, and a later refresh succeeds.
    didit::emulator::options opts;
    opts.token_lifetime = std::chrono::seconds{1};
    fixture f{opts};
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::token,
                       .status = 503,
                       .body = R"({"detail":"token service down"})"});
    std::size_t n = 1;
    while (f.emulator.stats().tokens_issued < 2) {
        auto out = f.create(n++);
        BOOST_REQUIRE_MESSAGE(!out.ec, out.ec.message() + " / " + out.diag.message);
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests >= 3u); // the first, the failed refresh, a good refresh
    BOOST_TEST(seen.sessions_created == n);
}
