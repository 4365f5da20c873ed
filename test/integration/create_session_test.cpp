#define BOOST_TEST_MODULE create_session
#include "support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <set>
#include <thread>

using namespace didit_test;
using didit::error;

BOOST_AUTO_TEST_CASE(creates_a_session_over_tls) {
    fixture f;
    auto out = f.create();
    BOOST_TEST(!out.ec, out.ec.message());
    BOOST_TEST(out.session.session_id.size() == 36u);
    BOOST_TEST(!out.session.session_token.empty());
    BOOST_TEST(out.session.url == "https://verify.didit.me/session/" + out.session.session_token);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 1u);
    BOOST_TEST(seen.sessions_created == 1u);
    BOOST_TEST(seen.connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(co_await_with_a_braced_request) {
    fixture f;
    std::optional<didit::session> created;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            std::string user = "8d7f5c1e";
            created = co_await f.client->create_session({
                .callback = "https://example.com/kyc/done",
                .features = didit::features::ocr_nfc_face,
                .vendor_data = user,
            });
        },
        [](std::exception_ptr e) {
            if (e)
                std::rethrow_exception(e);
        });
    while (!created)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST(created->session_id.size() == 36u);
}

BOOST_AUTO_TEST_CASE(failure_throws_api_error_with_the_server_detail) {
    fixture f;
    const std::string detail = "Workspace 4711 has no verification credits left.";
    f.emulator.inject({.what = didit::emulator::fault::kind::respond,
                       .status = 403,
                       .body = R"({"detail":")" + detail + R"("})"});
    std::optional<didit::api_error> thrown;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await f.client->create_session({.callback = callback_url});
            } catch (const didit::api_error& e) {
                thrown = e;
            }
        },
        asio::detached);
    while (!thrown)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST((thrown->code() == error::forbidden));
    BOOST_TEST(thrown->diagnostics().http_status == 403);
    BOOST_TEST(thrown->diagnostics().detail == detail);
    BOOST_TEST(thrown->diagnostics().attempts == 1u);
    // what() is safe to log: the error's message, never the server's text.
    BOOST_TEST(std::string{thrown->what()}.find("4711") == std::string::npos);
    const boost::system::system_error& as_system_error = *thrown; // what older code catches
    BOOST_TEST((as_system_error.code() == error::forbidden));
}

BOOST_AUTO_TEST_CASE(api_error_and_the_callers_diagnostics_agree) {
    fixture f;
    f.emulator.inject({.what = didit::emulator::fault::kind::respond,
                       .where = didit::emulator::endpoint::delete_session,
                       .status = 429,
                       .body = R"({"detail":"Request was throttled."})",
                       .retry_after = 120});
    didit::diagnostics diag;
    std::optional<didit::api_error> thrown;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await f.client->delete_session("5f8b2a4e-0000-4000-8000-000000000001", diag);
            } catch (const didit::api_error& e) {
                thrown = e;
            }
        },
        asio::detached);
    while (!thrown)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST((thrown->code() == error::rate_limited), thrown->code().message());
    BOOST_TEST((thrown->diagnostics().retry_after == std::chrono::seconds{120}));
    BOOST_TEST((diag.retry_after == std::chrono::seconds{120}));
    BOOST_TEST(diag.detail == thrown->diagnostics().detail);
}

BOOST_AUTO_TEST_CASE(as_tuple_reports_errors_without_exceptions) {
    // A Retry-After longer than the request timeout leaves fails the call at once.
    fixture f{{}, [](didit::config& cfg) { cfg.request_timeout = std::chrono::seconds{5}; }};
    f.emulator.inject(
        {.what = didit::emulator::fault::kind::respond,
         .status = 429,
         .body = R"({"detail":"Request was throttled. Expected available in 7 seconds."})",
         .retry_after = 7});
    std::optional<didit::error_code> result;
    didit::diagnostics diag;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            auto [ec, s] = co_await f.client->create_session({.callback = callback_url}, diag,
                                                             asio::as_tuple(asio::use_awaitable));
            result = ec;
        },
        asio::detached);
    while (!result)
        BOOST_REQUIRE(f.io.run_one() > 0);
    BOOST_TEST((*result == error::rate_limited));
    BOOST_TEST((*result == didit::condition::rate_limited));
    BOOST_TEST(diag.http_status == 429);
    BOOST_TEST((diag.retry_after == std::chrono::seconds{7}));
    BOOST_TEST(diag.detail == "Request was throttled. Expected available in 7 seconds.");
}

BOOST_AUTO_TEST_CASE(use_future_from_another_thread) {
    fixture f;
    auto future = f.client->create_session({.callback = callback_url}, asio::use_future);
    std::thread runner{[&] { f.io.run_for(std::chrono::seconds{30}); }};
    auto s = future.get(); // waits on the result, not on time
    f.io.stop();
    runner.join();
    BOOST_TEST(s.session_id.size() == 36u);
}

BOOST_AUTO_TEST_CASE(deferred_starts_only_when_launched) {
    fixture f;
    auto op = f.client->create_session({.callback = callback_url, .vendor_data = "later"},
                                       asio::deferred);
    f.io.poll();
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
    std::vector<outcome> outs(1);
    std::move(op)([&](didit::error_code ec, didit::session s) {
        outs[0] = {ec, std::move(s), {}, true};
    });
    f.run_until_done(outs);
    BOOST_TEST(!outs[0].ec);
    BOOST_TEST(f.emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_CASE(handler_is_never_called_inline) {
    fixture f;
    bool called = false;
    f.client->create_session({.callback = ""},
                             [&](didit::error_code, didit::session) { called = true; });
    BOOST_TEST(!called);
    while (!called)
        BOOST_REQUIRE(f.io.run_one() > 0);
}

BOOST_AUTO_TEST_CASE(invalid_requests_fail_before_any_traffic) {
    fixture f;
    const char* callbacks[] = {"", "ftp://example.com", "not a url", "https://"};
    for (auto cb : callbacks) {
        std::vector<outcome> outs(1);
        f.client->create_session({.callback = cb}, outs[0].diag,
                                 [&](didit::error_code ec, didit::session) {
                                     outs[0].ec = ec;
                                     outs[0].done = true;
                                 });
        f.run_until_done(outs);
        BOOST_TEST_CONTEXT(cb) {
            BOOST_TEST((outs[0].ec == error::invalid_request));
            BOOST_TEST(outs[0].diag.message.find("callback") != std::string::npos);
        }
    }
    didit::session_request bad_features{.callback = callback_url,
                                        .features = static_cast<didit::features>(12)};
    std::vector<outcome> outs(1);
    f.client->create_session(bad_features, [&](didit::error_code ec, didit::session) {
        outs[0].ec = ec;
        outs[0].done = true;
    });
    f.run_until_done(outs);
    BOOST_TEST((outs[0].ec == error::invalid_request));
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(server_validation_errors_carry_the_fields) {
    fixture f;
    f.emulator.inject(
        {.what = didit::emulator::fault::kind::respond,
         .status = 400,
         .body = R"({"vendor_data":["Ensure this field has no more than 255 characters."]})"});
    auto out = f.create();
    BOOST_TEST((out.ec == error::bad_request));
    BOOST_TEST(out.diag.http_status == 400);
    BOOST_TEST(out.diag.detail ==
               "vendor_data: Ensure this field has no more than 255 characters.");
}

BOOST_AUTO_TEST_CASE(server_errors_are_reported_not_retried) {
    fixture f;
    f.emulator.inject({.what = didit::emulator::fault::kind::respond, .status = 502});
    auto out = f.create();
    BOOST_TEST((out.ec == error::server_error));
    BOOST_TEST((out.ec == didit::condition::server_error));
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
    BOOST_TEST(f.emulator.stats().sessions_created == 0u);
}

BOOST_AUTO_TEST_CASE(each_call_creates_a_distinct_session) {
    fixture f;
    auto outs = f.create_concurrently(20);
    std::set<std::string> ids;
    for (const auto& o : outs)
        ids.insert(o.session.session_id);
    BOOST_TEST(count_succeeded(outs) == 20u);
    BOOST_TEST(ids.size() == 20u);
    BOOST_TEST(f.emulator.stats().sessions_created == 20u);
}

BOOST_AUTO_TEST_CASE(destroying_the_client_mid_flight_is_safe) {
    fixture f;
    std::vector<outcome> outs(5);
    for (std::size_t i = 0; i < outs.size(); ++i)
        f.start(outs[i], i);
    f.client.reset();
    f.run_until_done(outs);
    BOOST_TEST(count_succeeded(outs) == 5u);
}

BOOST_AUTO_TEST_CASE(one_call_takes_its_own_timeout_and_retry_policy) {
    fixture f{{},
              [](didit::config& cfg) { cfg.retry.initial_backoff = std::chrono::milliseconds{1}; }};
    auto create_with = [&](std::optional<didit::call_options> options) {
        std::vector<outcome> outs(1);
        auto done = [&](didit::error_code ec, didit::session s) {
            outs[0].ec = ec;
            outs[0].session = std::move(s);
            outs[0].done = true;
        };
        if (options)
            f.client->create_session({.callback = callback_url}, outs[0].diag,
                                     didit::with_options(*options, done));
        else
            f.client->create_session({.callback = callback_url}, outs[0].diag, done);
        f.run_until_done(outs);
        return outs[0];
    };
    // The client retries a 503; this call does not.
    f.emulator.inject({.what = didit::emulator::fault::kind::respond, .status = 503});
    auto once = create_with(didit::call_options{.retry = didit::retry_policy::none()});
    BOOST_TEST((once.ec == error::service_unavailable));
    BOOST_TEST(once.diag.attempts == 1u);
    f.emulator.inject({.what = didit::emulator::fault::kind::respond, .status = 503});
    auto retried = create_with(std::nullopt);
    BOOST_TEST(!retried.ec);
    BOOST_TEST(retried.diag.attempts == 2u);

    // The client waits 30 s; this call 300 ms.
    f.emulator.inject(
        {.what = didit::emulator::fault::kind::delay, .delay = std::chrono::seconds{3}});
    auto hurried =
        create_with(didit::call_options{.request_timeout = std::chrono::milliseconds{300}});
    // A v1 create that was sent and not answered in time: it may have taken effect.
    BOOST_TEST((hurried.ec == error::outcome_unknown), hurried.ec.message());

    auto refused =
        create_with(didit::call_options{.retry = didit::retry_policy{.max_attempts = 0}});
    BOOST_TEST((refused.ec == error::invalid_request));
    BOOST_TEST(refused.diag.message.find("call_options.retry.max_attempts") != std::string::npos);

    // Around the default token: the awaitable, throwing api_error.
    std::optional<didit::error_code> thrown;
    f.emulator.inject({.what = didit::emulator::fault::kind::respond, .status = 503});
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await f.client->create_session(
                    {.callback = callback_url},
                    didit::with_options({.retry = didit::retry_policy::none()}));
            } catch (const didit::api_error& e) {
                thrown = e.code();
            }
        },
        asio::detached);
    run_until(f.io, [&] { return thrown.has_value(); });
    BOOST_TEST((*thrown == error::service_unavailable));
}
