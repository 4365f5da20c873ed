#define BOOST_TEST_MODULE generic call
// client.call(): any endpoint with the client's credentials, pool, budget and retry rules.
#include "support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>

using namespace didit_test;
using didit::error;

namespace {

struct call_outcome {
    didit::error_code ec;
    didit::api_response response;
    didit::diagnostics diag;
};

call_outcome run_call(fixture& f, std::string_view method, std::string_view path,
                      std::optional<boost::json::value> body = std::nullopt) {
    call_outcome out;
    bool done = false;
    auto handler = [&](didit::error_code ec, didit::api_response response) {
        out.ec = ec;
        out.response = std::move(response);
        done = true;
    };
    if (body)
        f.client->call(method, path, *body, out.diag, handler);
    else
        f.client->call(method, path, out.diag, handler);
    run_until(f.io, [&] { return done; });
    return out;
}

const auto v3 = [](didit::config& cfg) { cfg = as_v3(cfg); };

} // namespace

BOOST_AUTO_TEST_CASE(reads_and_writes_any_endpoint_with_the_clients_credentials) {
    fixture f{{}, v3};
    auto created =
        run_call(f, "post", "/v3/session/",
                 boost::json::parse(R"({"workflow_id":"11111111-2222-3333-4444-555555555555",
                                                  "vendor_data":"user-1"})"));
    BOOST_TEST(!created.ec, created.ec.message() << " " << created.diag.message);
    BOOST_TEST(created.response.status == 201);
    auto id = std::string{created.response.body.at("session_id").as_string()};
    BOOST_TEST(id.size() == 36u);

    auto listed = run_call(f, "GET", "/v3/sessions/?limit=5");
    BOOST_TEST(!listed.ec);
    BOOST_TEST(listed.response.status == 200);
    BOOST_TEST(listed.response.body.at("results").as_array().size() == 1u);

    auto deleted = run_call(f, "DELETE", "/v3/session/" + id + "/delete/");
    BOOST_TEST(!deleted.ec);
    BOOST_TEST(deleted.response.status == 200); // today's answer: what was deleted
    BOOST_TEST(deleted.response.body.at("session_id").as_string() == id);
    auto stats = f.emulator.stats();
    BOOST_TEST(stats.sessions_created == 1u);
    BOOST_TEST(stats.requests_with_authorization == 0u); // x-api-key, as typed calls
}

BOOST_AUTO_TEST_CASE(v1_calls_carry_the_shared_token) {
    fixture f;
    auto created = run_call(f, "POST", "/v1/session/",
                            boost::json::parse(R"({"callback":"https://example.com/done"})"));
    BOOST_TEST(created.response.status == 201);
    auto id = std::string{created.response.body.at("session_id").as_string()};
    auto decision = run_call(f, "GET", "/v1/session/" + id + "/decision/");
    BOOST_TEST(!decision.ec);
    BOOST_TEST(decision.response.body.at("session_id").as_string() == id);
    BOOST_TEST(f.emulator.stats().token_requests == 1u); // one token for both calls
}

BOOST_AUTO_TEST_CASE(failures_carry_the_services_words) {
    fixture f{{}, v3};
    auto missing = run_call(f, "GET", "/v3/session/5f8b2a4e-0000-4000-8000-000000000001/decision/");
    BOOST_TEST((missing.ec == error::not_found));
    BOOST_TEST(missing.diag.http_status == 404);
    auto refused = run_call(f, "POST", "/v3/session/", boost::json::parse(R"({"vendor_data":1})"));
    BOOST_TEST((refused.ec == error::bad_request));
    BOOST_TEST(!refused.diag.detail.empty());
}

BOOST_AUTO_TEST_CASE(get_is_repeated_post_is_not) {
    fixture f{{}, [](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.retry.initial_backoff = std::chrono::milliseconds{1};
              }};
    f.emulator.inject({.what = didit::emulator::fault::kind::close_on_arrival,
                       .where = didit::emulator::endpoint::list_sessions});
    auto listed = run_call(f, "GET", "/v3/sessions/");
    BOOST_TEST(!listed.ec);
    BOOST_TEST(listed.diag.attempts == 2u);

    f.emulator.inject({.what = didit::emulator::fault::kind::truncated_body,
                       .where = didit::emulator::endpoint::create_session});
    auto created =
        run_call(f, "POST", "/v3/session/",
                 boost::json::parse(R"({"workflow_id":"11111111-2222-3333-4444-555555555555"})"));
    BOOST_TEST((created.ec == error::outcome_unknown));
    BOOST_TEST(created.diag.attempts == 1u);
    BOOST_TEST(f.emulator.stats().sessions_created == 1u); // sent once, never again
}

BOOST_AUTO_TEST_CASE(bad_methods_and_paths_are_refused_before_sending) {
    fixture f{{}, v3};
    for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"FETCH", "/v3/sessions/"},
             {"GET", "v3/sessions/"},
             {"GET", "https://elsewhere.example/v3/sessions/"},
             {"GET", "//elsewhere.example/v3/sessions/"},
             {"GET", "/v3/sessions/ HTTP/1.1\r\nHost: x"},
             {"GET", "/v3/../admin/"},
             {"GET", "/v3/sessions/#top"}}) {
        auto refused = run_call(f, method, path);
        BOOST_TEST((refused.ec == error::invalid_request), method << " " << path);
        BOOST_TEST(!refused.diag.message.empty());
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);

    // Behind a gateway's path prefix, a refused path is refused the same way.
    fixture prefixed{{}, [](didit::config& cfg) {
                         cfg = as_v3(cfg);
                         cfg.api_url += "/gateway";
                     }};
    BOOST_TEST((run_call(prefixed, "GET", "v3/sessions/").ec == error::invalid_request));
    BOOST_TEST((run_call(prefixed, "FETCH", "/v3/sessions/").ec == error::invalid_request));
}

BOOST_AUTO_TEST_CASE(the_default_token_returns_the_json_or_throws_api_error) {
    fixture f{{}, v3};
    std::optional<didit::api_response> listed;
    std::optional<int> thrown_status;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
            listed = co_await f.client->call("GET", "/v3/sessions/");
            try {
                co_await f.client->call("GET", "/v3/no-such-endpoint/");
            } catch (const didit::api_error& e) {
                thrown_status = e.diagnostics().http_status;
            }
        },
        asio::detached);
    run_until(f.io, [&] { return thrown_status.has_value(); });
    BOOST_TEST(listed->status == 200);
    BOOST_TEST(*thrown_status == 404);
}

/// Two 3 MiB answers on one connection: many TLS records, some split across receives.
static void large_answers_arrive_whole(fixture& f) {
    std::string blob;
    for (std::size_t i = 0; blob.size() < 3 * 1024 * 1024; ++i)
        blob.push_back(static_cast<char>('a' + (i * 7919 + i / 251) % 26)); // no escapes
    using fault = didit::emulator::fault;
    f.emulator.inject({.what = fault::kind::respond,
                       .where = didit::emulator::endpoint::other,
                       .times = 2,
                       .status = 200,
                       .body = R"({"blob":")" + blob + R"("})"});
    for (int round = 0; round < 2; ++round) {
        auto answer = run_call(f, "GET", "/v3/large-answer/");
        BOOST_TEST(!answer.ec, answer.ec.message() << " " << answer.diag.message);
        BOOST_TEST(answer.response.status == 200);
        auto* got = answer.response.body.is_object()
                        ? answer.response.body.as_object().if_contains("blob")
                        : nullptr;
        BOOST_TEST_REQUIRE(got != nullptr);
        BOOST_TEST(got->as_string().size() == blob.size());
        BOOST_TEST((got->as_string() == blob));
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(a_large_answer_arrives_whole_and_its_connection_carries_on) {
    fixture f{{}, v3};
    large_answers_arrive_whole(f);
}

BOOST_AUTO_TEST_CASE(a_connection_that_gave_its_buffers_back_carries_on) {
    // Released after every exchange: each request and answer allocates them again.
    fixture f{{}, [](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.idle_buffer_release = std::chrono::milliseconds{0};
              }};
    BOOST_TEST(!run_call(f, "GET", "/v3/sessions/?limit=5").ec);
    large_answers_arrive_whole(f);
    auto listed = run_call(f, "GET", "/v3/sessions/?limit=5");
    BOOST_TEST(!listed.ec, listed.ec.message() << " " << listed.diag.message);
    BOOST_TEST(listed.response.status == 200);
}
