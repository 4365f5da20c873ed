#define BOOST_TEST_MODULE embedding server
// The example backend end to end: many users start verifications concurrently through its HTTP
// API, the emulator finishes their sessions, its signed webhooks reach the backend, and every
// user ends with the status the emulator decided. The backend runs on four threads.

#include "verification_server.hpp"

#include "support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <thread>

using namespace didit_test;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using boost::asio::ip::tcp;

namespace {

constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// The backend, its client and the emulator, with the backend's io_context on four threads.
struct backend {
    explicit backend(didit::api_generation generation)
        : client(io.get_executor(), observed(emulator.client_config(generation), metrics)),
          server(io, client,
                 {.webhook_secret = didit::emulator::webhook_settings{}.secret,
                  .workflow_id = "11111111-2222-3333-4444-555555555555",
                  .metrics = metrics}) {
        emulator.set_webhooks(
            {.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/webhooks/didit"});
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([this] { io.run(); });
    }
    ~backend() {
        server.stop();
        work.reset();
        io.stop();
    }

    static didit::config observed(didit::config cfg, std::shared_ptr<didit::metrics> to) {
        cfg.observer = std::move(to);
        return cfg;
    }

    didit::emulator::server emulator;
    std::shared_ptr<didit::metrics> metrics = std::make_shared<didit::metrics>();
    boost::asio::io_context io{4};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    didit::client client;
    example::verification_server server;
    std::vector<std::jthread> threads; // last: joined before anything above goes
};

struct reply {
    unsigned status = 0;
    json::value body;
    std::string text; ///< the body as it came
};

/// A user's HTTP client: one keep-alive connection to the backend.
class user_agent {
public:
    user_agent(boost::asio::io_context& io, unsigned short port) : stream_(io), port_(port) {}

    boost::asio::awaitable<reply> call(http::verb verb, std::string target, std::string body = {}) {
        if (!stream_.socket().is_open())
            co_await stream_.async_connect(
                tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), port_},
                boost::asio::use_awaitable);
        http::request<http::string_body> request{verb, target, 11};
        request.set(http::field::host, "127.0.0.1");
        request.set(http::field::content_type, "application/json");
        request.body() = std::move(body);
        request.prepare_payload();
        co_await http::async_write(stream_, request, boost::asio::use_awaitable);
        http::response<http::string_body> response;
        co_await http::async_read(stream_, buffer_, response, boost::asio::use_awaitable);
        boost::system::error_code not_json;
        auto parsed = json::parse(response.body(), not_json);
        co_return reply{response.result_int(), std::move(parsed), std::move(response.body())};
    }

private:
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    unsigned short port_;
};

std::string_view outcome_for(std::size_t user) {
    constexpr std::string_view outcomes[] = {"Approved", "Declined", "In Review"};
    return outcomes[user % 3];
}

/// Runs `users` verifications over `connections` concurrent connections; returns each user's
/// session id (by index).
std::vector<std::string> start_verifications(unsigned short port, std::size_t users,
                                             std::size_t connections) {
    boost::asio::io_context io;
    std::vector<std::string> sessions(users);
    std::size_t finished = 0;
    for (std::size_t c = 0; c < connections; ++c)
        boost::asio::co_spawn(
            io,
            [&, c]() -> boost::asio::awaitable<void> {
                user_agent agent{io, port};
                for (auto u = c; u < users; u += connections) {
                    auto started = co_await agent.call(http::verb::post, "/verifications",
                                                       R"({"user_id":")" + vendor(u) + R"("})");
                    BOOST_TEST(started.status == 201u);
                    sessions[u] = started.body.at("session_id").as_string();
                    BOOST_TEST(started.body.at("url").as_string().starts_with("https://"));
                }
            },
            [&](std::exception_ptr e) {
                BOOST_TEST(!e);
                ++finished;
            });
    io.run();
    BOOST_REQUIRE(finished == connections);
    return sessions;
}

/// Every user's status as the backend reports it.
std::vector<std::string> statuses(unsigned short port, std::size_t users) {
    boost::asio::io_context io;
    std::vector<std::string> out(users);
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            user_agent agent{io, port};
            for (std::size_t u = 0; u < users; ++u) {
                auto got = co_await agent.call(http::verb::get, "/verifications/" + vendor(u));
                BOOST_TEST(got.status == 200u);
                out[u] = got.body.at("status").as_string();
            }
        },
        [](std::exception_ptr e) { BOOST_TEST(!e); });
    io.run();
    return out;
}

void every_user_ends_with_the_decided_status(backend& b, std::size_t users) {
    auto sessions = start_verifications(b.server.port(), users, 50);
    for (std::size_t u = 0; u < users; ++u)
        BOOST_REQUIRE(b.emulator.finish_session(sessions[u], outcome_for(u)));

    // Two webhooks per user: the session started, and the person finished.
    boost::asio::io_context waiting;
    run_until(waiting, [&] { return b.emulator.stats().webhooks_delivered == 2 * users; });
    auto seen = statuses(b.server.port(), users);
    std::size_t right = 0;
    for (std::size_t u = 0; u < users; ++u)
        right += seen[u] == outcome_for(u) ? 1 : 0;
    BOOST_TEST(right == users);
    auto stats = b.emulator.stats();
    BOOST_TEST(stats.sessions_created == users);
    BOOST_TEST(stats.webhook_attempts == 2 * users); // none was refused and retried
    BOOST_TEST(b.server.duplicate_webhooks() == 0u);

    // The operator's view: every create counted, and no id or secret among the labels.
    boost::asio::io_context io;
    reply metrics;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            user_agent agent{io, b.server.port()};
            metrics = co_await agent.call(http::verb::get, "/metrics");
        },
        [](std::exception_ptr e) { BOOST_TEST(!e); });
    io.run();
    BOOST_TEST(metrics.status == 200u);
    BOOST_TEST(metrics.text.find("didit_calls_total{operation=\"create_session\",outcome=\"ok\"} " +
                                 std::to_string(users) + "\n") != std::string::npos,
               metrics.text);
    BOOST_TEST(metrics.text.find(sessions[0]) == std::string::npos);
    BOOST_TEST(metrics.text.find(vendor(0)) == std::string::npos);
}

} // namespace

BOOST_AUTO_TEST_CASE(many_users_verify_concurrently_with_one_token) {
    backend b{didit::api_generation::v1};
    every_user_ends_with_the_decided_status(b, 300);
    BOOST_TEST(b.emulator.stats().token_requests == 1u);
}

BOOST_AUTO_TEST_CASE(the_v3_generation_works_the_same_without_tokens) {
    backend b{didit::api_generation::v3};
    every_user_ends_with_the_decided_status(b, 60);
    BOOST_TEST(b.emulator.stats().token_requests == 0u);
    BOOST_TEST(b.emulator.stats().requests_with_authorization == 0u);
}

BOOST_AUTO_TEST_CASE(forged_webhooks_and_bad_requests_are_refused) {
    backend b{didit::api_generation::v1};
    boost::asio::io_context io;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            user_agent agent{io, b.server.port()};
            auto started =
                co_await agent.call(http::verb::post, "/verifications", R"({"user_id":"mallory"})");
            BOOST_TEST(started.status == 201u);
            auto forged = co_await agent.call(
                http::verb::post, "/webhooks/didit",
                R"({"session_id":")" + std::string{started.body.at("session_id").as_string()} +
                    R"(","status":"Approved","vendor_data":"mallory","timestamp":1})");
            BOOST_TEST(forged.status == 401u);
            BOOST_TEST(forged.body.at("error").as_string() == "missing_signature");
            auto status = co_await agent.call(http::verb::get, "/verifications/mallory");
            BOOST_TEST(status.body.at("status").as_string() == "Not Started");
            auto bad = co_await agent.call(http::verb::post, "/verifications", R"({"user":1})");
            BOOST_TEST(bad.status == 400u);
            auto unknown = co_await agent.call(http::verb::get, "/verifications/nobody");
            BOOST_TEST(unknown.status == 404u);
        },
        [](std::exception_ptr e) { BOOST_TEST(!e); });
    io.run();
}

BOOST_AUTO_TEST_CASE(lifecycle_order_is_kept_when_webhooks_arrive_out_of_order) {
    using didit::session_status;
    BOOST_TEST(!example::supersedes(session_status::not_started, session_status::approved));
    BOOST_TEST(!example::supersedes(session_status::in_review, session_status::declined));
    BOOST_TEST(example::supersedes(session_status::approved, session_status::in_review));
    BOOST_TEST(example::supersedes(session_status::declined, session_status::approved));
    example::verification_registry registry;
    registry.reported("u", "s-1", "Approved"); // the finish overtook the start
    registry.reported("u", "s-1", "Not Started");
    registry.started("u", "s-1");
    BOOST_TEST(registry.latest("u")->status == "Approved");
}
