#define BOOST_TEST_MODULE observer
#include "support.hpp"

#include <didit/logfmt_logger.hpp>
#include <didit/metrics.hpp>
#include <didit/observer.hpp>

#include <mutex>
#include <sstream>

using namespace didit_test;
using didit::error;

namespace {

/// Keeps every event, as text a test can search, and the structured ones it checks.
class recorder final : public didit::observer {
public:
    std::vector<didit::call_event> calls;
    std::vector<didit::retry_event> retries;
    std::vector<didit::budget_wait_event> waits;
    std::vector<didit::token_event> tokens;
    std::vector<didit::connection_event> connections;

    void on_call(const didit::call_event& e) override {
        std::lock_guard lock{mutex_};
        calls.push_back(e);
    }
    void on_retry(const didit::retry_event& e) override {
        std::lock_guard lock{mutex_};
        retries.push_back(e);
    }
    void on_budget_wait(const didit::budget_wait_event& e) override {
        std::lock_guard lock{mutex_};
        waits.push_back(e);
    }
    void on_token(const didit::token_event& e) override {
        std::lock_guard lock{mutex_};
        tokens.push_back(e);
    }
    void on_connection(const didit::connection_event& e) override {
        std::lock_guard lock{mutex_};
        connections.push_back(e);
    }

    std::vector<didit::call_event> finished(std::string_view operation) const {
        std::vector<didit::call_event> out;
        for (const auto& e : calls)
            if (e.what == didit::call_event::phase::finished && e.operation == operation)
                out.push_back(e);
        return out;
    }

private:
    std::mutex mutex_;
};

/// A fixture whose client reports to `events`, a logfmt log and a metrics aggregator.
struct observed {
    explicit observed(didit::emulator::options opts = {},
                      const std::function<void(didit::config&)>& adjust = {})
        : f(std::move(opts), [&](didit::config& cfg) {
              if (adjust)
                  adjust(cfg);
              auto fan_out = std::make_shared<fan>();
              fan_out->to = {events, logger, numbers};
              cfg.observer = fan_out;
          }) {}

    /// Hands each event to several observers.
    struct fan final : didit::observer {
        std::vector<std::shared_ptr<didit::observer>> to;
        void on_call(const didit::call_event& e) override {
            for (auto& o : to)
                o->on_call(e);
        }
        void on_retry(const didit::retry_event& e) override {
            for (auto& o : to)
                o->on_retry(e);
        }
        void on_budget_wait(const didit::budget_wait_event& e) override {
            for (auto& o : to)
                o->on_budget_wait(e);
        }
        void on_token(const didit::token_event& e) override {
            for (auto& o : to)
                o->on_token(e);
        }
        void on_connection(const didit::connection_event& e) override {
            for (auto& o : to)
                o->on_connection(e);
        }
    };

    std::shared_ptr<recorder> events = std::make_shared<recorder>();
    std::ostringstream log_text;
    std::shared_ptr<didit::logfmt_logger> logger = std::make_shared<didit::logfmt_logger>(log_text);
    std::shared_ptr<didit::metrics> numbers = std::make_shared<didit::metrics>();
    fixture f;
};

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(calls_tokens_and_connections_are_reported) {
    observed o;
    auto first = o.f.create(1);
    auto second = o.f.create(2);
    BOOST_REQUIRE(!first.ec);
    BOOST_REQUIRE(!second.ec);

    auto creates = o.events->finished("create_session");
    BOOST_REQUIRE_EQUAL(creates.size(), 2u);
    for (const auto& e : creates) {
        BOOST_TEST(e.method == "POST");
        BOOST_TEST(e.route == "/v1/session/");
        BOOST_TEST(e.http_status == 201);
        BOOST_TEST(!e.error);
        BOOST_TEST(e.attempts == 1u);
        BOOST_TEST(e.duration.count() > 0);
    }
    // The first create waited for the token, whose call opened the connection; the second
    // create reused it.
    BOOST_TEST(creates[1].reused_connection);
    BOOST_TEST(o.events->finished("token").size() == 1u);
    BOOST_REQUIRE_EQUAL(o.events->tokens.size(), 1u);
    BOOST_TEST((o.events->tokens[0].what == didit::token_event::phase::fetched));
    BOOST_TEST(o.events->tokens[0].lifetime == std::chrono::seconds{86400});
    BOOST_REQUIRE_EQUAL(o.events->connections.size(), 1u);
    BOOST_TEST((o.events->connections[0].what == didit::connection_event::phase::opened));
    BOOST_TEST(
        o.events->connections[0].server.ends_with(":" + std::to_string(o.f.emulator.port())));
    std::size_t started = 0;
    for (const auto& e : o.events->calls)
        started += e.what == didit::call_event::phase::started ? 1 : 0;
    BOOST_TEST(started == 3u); // two creates and the token request

    o.f.client->cancel(); // closes the idle connection, on the client's strand
    run_until(o.f.io, [&] { return o.events->connections.size() == 2; });
    BOOST_TEST((o.events->connections[1].why == didit::connection_event::reason::client_closed));
    BOOST_TEST(o.numbers->open_connections() == 0);
}

BOOST_AUTO_TEST_CASE(a_call_handed_a_kept_alive_connection_in_line_reports_it_reused) {
    observed o{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 1; }};
    BOOST_REQUIRE(!o.f.create(0).ec);
    auto outs = o.f.create_concurrently(3); // two of them wait in line for the one connection
    BOOST_TEST(count_succeeded(outs) == 3u);
    BOOST_TEST(o.f.client->stats().connections_opened == 1u);
    for (const auto& e : o.events->finished("create_session"))
        BOOST_TEST(e.reused_connection);
}

BOOST_AUTO_TEST_CASE(retries_and_refused_tokens_are_reported) {
    observed o{{}, [](didit::config& cfg) {
                   cfg.retry.initial_backoff = std::chrono::milliseconds{1};
                   cfg.retry.max_backoff = std::chrono::milliseconds{2};
               }};
    o.f.emulator.inject({.what = didit::emulator::fault::kind::respond,
                         .where = didit::emulator::endpoint::decision,
                         .status = 503});
    auto created = o.f.create(1);
    BOOST_REQUIRE(!created.ec);
    std::optional<didit::error_code> decided;
    o.f.client->retrieve_decision(created.session.session_id,
                                  [&](didit::error_code ec, didit::decision) { decided = ec; });
    run_until(o.f.io, [&] { return decided.has_value(); });
    BOOST_TEST(!*decided);
    BOOST_REQUIRE_EQUAL(o.events->retries.size(), 1u);
    const auto& retry = o.events->retries[0];
    BOOST_TEST(retry.operation == "retrieve_decision");
    BOOST_TEST(retry.route == "/v1/session/{id}/decision/");
    BOOST_TEST((retry.reason == error::service_unavailable));
    BOOST_TEST(retry.http_status == 503);
    BOOST_TEST(retry.attempt == 1u);
    auto decisions = o.events->finished("retrieve_decision");
    BOOST_REQUIRE_EQUAL(decisions.size(), 1u);
    BOOST_TEST(decisions[0].attempts == 2u);
    BOOST_TEST(decisions[0].http_status == 200);

    // A client with a wrong secret: the refresh fails, and says why.
    observed refused{{}, [](didit::config& cfg) { cfg.client_secret = "wrong-secret-4242"; }};
    auto failed = refused.f.create(1);
    BOOST_TEST((failed.ec == error::token_rejected));
    BOOST_REQUIRE_EQUAL(refused.events->tokens.size(), 1u);
    BOOST_TEST((refused.events->tokens[0].what == didit::token_event::phase::refresh_failed));
    BOOST_TEST((refused.events->tokens[0].error == error::token_rejected));
    BOOST_TEST(!contains(refused.log_text.str(), "wrong-secret-4242"));
    BOOST_TEST(contains(refused.log_text.str(), "event=token_refresh_failed error=token_rejected"));
}

BOOST_AUTO_TEST_CASE(budget_waits_are_reported) {
    observed o{{}, [](didit::config& cfg) {
                   cfg.rate_limits.enabled = true; // the emulator's configuration has none
                   cfg.rate_limits.window = std::chrono::milliseconds{300};
                   cfg.rate_limits.create_session = 1;
               }};
    auto outs = o.f.create_concurrently(2);
    BOOST_TEST(count_succeeded(outs) == 2u);
    BOOST_REQUIRE(!o.events->waits.empty());
    BOOST_TEST(o.events->waits[0].operation == "create_session");
    BOOST_TEST(o.events->waits[0].wait.count() > 0);
    BOOST_TEST(contains(o.numbers->prometheus_text(),
                        "didit_budget_waits_total{operation=\"create_session\"} "));
}

BOOST_AUTO_TEST_CASE(logfmt_lines_say_what_happened_and_nothing_secret) {
    observed o;
    auto created = o.f.create(7);
    BOOST_REQUIRE(!created.ec);
    auto log = o.log_text.str();
    BOOST_TEST_MESSAGE(log);
    BOOST_TEST(contains(log, "event=call_finished operation=create_session method=POST "
                             "route=/v1/session/ status=201 error=ok attempts=1 duration_ms="));
    BOOST_TEST(contains(log, "event=token_fetched expires_in_s=86400"));
    BOOST_TEST(contains(log, "event=connection_opened server=localhost:"));
    std::size_t lines = 0;
    for (char c : log)
        lines += c == '\n' ? 1 : 0;
    BOOST_TEST(lines == 6u); // token started/finished, fetched, opened, create started/finished
    for (const auto& never :
         {o.f.cfg.client_secret, o.f.cfg.client_id, vendor(7), created.session.session_id,
          created.session.session_token, std::string{"Bearer"}, std::string{"Basic"}})
        BOOST_TEST(!contains(log, never), never);
}

BOOST_AUTO_TEST_CASE(metrics_count_calls_latency_and_connections) {
    observed o;
    o.f.create_concurrently(3);
    o.f.emulator.inject({.what = didit::emulator::fault::kind::respond, .status = 403});
    auto refused = o.f.create(9);
    BOOST_TEST((refused.ec == error::forbidden));
    auto text = o.numbers->prometheus_text();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(
        contains(text, "didit_calls_total{operation=\"create_session\",outcome=\"ok\"} 3\n"));
    BOOST_TEST(contains(
        text, "didit_calls_total{operation=\"create_session\",outcome=\"forbidden\"} 1\n"));
    BOOST_TEST(contains(
        text, "didit_call_duration_seconds_bucket{operation=\"create_session\",le=\"+Inf\"} 4\n"));
    BOOST_TEST(
        contains(text, "didit_call_duration_seconds_count{operation=\"create_session\"} 4\n"));
    BOOST_TEST(contains(text, "# TYPE didit_call_duration_seconds histogram\n"));
    auto opened = o.f.client->stats().connections_opened;
    BOOST_TEST(contains(text, "didit_connections_opened_total " + std::to_string(opened) + "\n"));
    BOOST_TEST(o.numbers->open_connections() == static_cast<std::int64_t>(opened));
    BOOST_TEST(contains(text, "didit_token_fetches_total{outcome=\"ok\"} 1\n"));
    BOOST_TEST(contains(text, "didit_calls_total{operation=\"token\",outcome=\"ok\"} 1\n"));
    BOOST_TEST(!contains(text, o.f.cfg.client_secret));
}
