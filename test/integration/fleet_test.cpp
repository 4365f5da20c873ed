#define BOOST_TEST_MODULE didit fleet budget through Redis
#include "emulator/certificate.hpp"
#include "redis/fleet_protocol.hpp"
#include "redis_server.hpp"
#include "support.hpp"

#include <didit/logfmt_logger.hpp>
#include <didit/metrics.hpp>
#include <didit/redis.hpp>

#include <boost/json/parse.hpp>

#include <hiredis/hiredis.h>

#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using namespace didit_test;
using namespace std::chrono_literals;

namespace {

/// Counts the fleet events of one client.
struct fleet_watch final : didit::observer {
    int shared = 0;
    int local = 0;
    didit::error_code last_error{};
    void on_fleet_budget(const didit::fleet_event& event) override {
        if (event.what == didit::fleet_event::phase::shared) {
            ++shared;
        } else {
            ++local;
            last_error = event.error;
        }
    }
};

/// The emulator's v1 client with a create budget of `creates` per minute (the window outlasts
/// the test, so counts are exact), shared through `redis_url` when it is not empty.
didit::config fleet_config(const didit::emulator::server& emulator, const std::string& redis_url,
                           unsigned creates, double share = 1.0) {
    auto cfg = emulator.client_config();
    cfg.rate_limits = didit::rate_limits{};
    cfg.rate_limits.window = 60s;
    cfg.rate_limits.create_session = creates;
    cfg.fleet.redis_url = redis_url;
    cfg.fleet.fallback_share = share;
    cfg.fleet.redis_timeout = 2s; // a sanitized build on a busy machine is slow, not lost
    cfg.fleet.reconnect_delay = 20ms;
    if (!redis_url.empty())
        cfg.fleet.backend = didit::redis_backend();
    return cfg;
}

/// One process's client in a fleet, watched.
struct member {
    member(asio::io_context& io, didit::config cfg) : watch(std::make_shared<fleet_watch>()) {
        cfg.observer = watch;
        client.emplace(io.get_executor(), std::move(cfg));
    }
    std::shared_ptr<fleet_watch> watch;
    std::optional<didit::client> client;
};

struct tally {
    std::size_t succeeded = 0;
    std::size_t rate_limited = 0; ///< refused by the budget, before sending
    std::size_t other = 0;
};

/// `count` concurrent creates on `client`, run to completion.
tally create_many(asio::io_context& io, didit::client& client, std::size_t count,
                  std::size_t first = 0) {
    tally out;
    std::size_t done = 0;
    for (std::size_t i = 0; i < count; ++i)
        client.create_session({.callback = callback_url, .vendor_data = vendor(first + i)},
                              [&](didit::error_code ec, didit::session) {
                                  ++done;
                                  if (!ec)
                                      ++out.succeeded;
                                  else if (ec == didit::error::rate_limited)
                                      ++out.rate_limited;
                                  else
                                      ++out.other;
                              });
    run_until(io, [&] { return done == count; });
    return out;
}

/// A plain connection to a test Redis, for looking at what the fleet wrote.
class redis_probe {
public:
    explicit redis_probe(unsigned short port) : context_(redisConnect("127.0.0.1", port)) {
        BOOST_REQUIRE(context_ != nullptr && context_->err == 0);
    }
    ~redis_probe() { redisFree(context_); }

    std::vector<std::string> keys() {
        auto* reply = static_cast<redisReply*>(redisCommand(context_, "KEYS didit:*"));
        std::vector<std::string> out;
        for (std::size_t i = 0; reply != nullptr && i < reply->elements; ++i)
            out.emplace_back(reply->element[i]->str, reply->element[i]->len);
        freeReplyObject(reply);
        return out;
    }
    long long count(const std::string& key) {
        auto* reply = static_cast<redisReply*>(redisCommand(context_, "ZCARD %s", key.c_str()));
        long long n = reply != nullptr ? reply->integer : -1;
        freeReplyObject(reply);
        return n;
    }
    /// How many processes have requests in `key`'s log (members are "<process nonce>:...").
    std::size_t processes_in(const std::string& key) {
        auto* reply =
            static_cast<redisReply*>(redisCommand(context_, "ZRANGE %s 0 -1", key.c_str()));
        std::set<std::string> nonces;
        for (std::size_t i = 0; reply != nullptr && i < reply->elements; ++i) {
            std::string_view member{reply->element[i]->str, reply->element[i]->len};
            nonces.emplace(member.substr(0, member.find(':')));
        }
        freeReplyObject(reply);
        return nonces.size();
    }
    bool exists(const std::string& key) {
        auto* reply = static_cast<redisReply*>(redisCommand(context_, "EXISTS %s", key.c_str()));
        bool found = reply != nullptr && reply->integer == 1;
        freeReplyObject(reply);
        return found;
    }
    void flush_scripts() { freeReplyObject(redisCommand(context_, "SCRIPT FLUSH")); }

private:
    redisContext* context_;
};

std::string create_log_key(const didit::config& cfg) {
    return didit::detail::fleet_key_prefix(cfg) + "create_session:log";
}

/// The service's create scope, scaled down: 30 per second.
constexpr didit::emulator::rate_limits scaled_down{
    .window = 1s, .generic_write = 1000, .create_session = 30};

/// Three didit-bench processes, each sending `requests` v3 creates to `emulator` with the same
/// API key and a budget of 30 creates per second, shared through `redis_url` when it is not
/// empty (a third each while Redis is away). As fast as they can, 4 at a time, or, with `rate`,
/// that many per second each, whatever the others do. `budget` is their DIDIT_RATE_LIMITS.
class three_processes {
public:
    three_processes(const didit::emulator::server& emulator, const std::string& redis_url,
                    std::size_t requests, unsigned rate = 0,
                    const std::string& budget = "window_ms=1000,create_session=30")
        : ca_file_(std::filesystem::temp_directory_path() /
                   ("didit-fleet-ca-" + std::to_string(::getpid()) + ".pem")) {
        std::ofstream{ca_file_} << emulator.certificate_pem();
        std::vector<std::string> env{"DIDIT_API_KEY=" + didit::emulator::options{}.api_key,
                                     "DIDIT_CLIENT_ID=",
                                     "DIDIT_API_URL=" + emulator.url(),
                                     "DIDIT_CA_FILE=" + ca_file_.string(),
                                     "DIDIT_RATE_LIMITS=" + budget,
                                     "DIDIT_REDIS_URL=" + redis_url,
                                     "DIDIT_FLEET_SHARE=0.34"};
        std::vector<std::string> argv{DIDIT_BENCH_PATH,
                                      "--requests",
                                      std::to_string(requests),
                                      "--concurrency",
                                      "4",
                                      "--workflow-id",
                                      "11111111-2222-3333-4444-555555555555",
                                      "--json"};
        if (rate != 0)
            argv.insert(argv.end(), {"--rate", std::to_string(rate)});
        for (int i = 0; i < 3; ++i)
            processes_.push_back(std::make_unique<child_process>(argv, env));
    }
    ~three_processes() { std::filesystem::remove(ca_file_); }

    /// Waits for the three to end; each one's JSON summary, checked to have exited with 0.
    std::vector<boost::json::object> summaries() {
        std::vector<boost::json::object> out;
        for (auto& process : processes_) {
            auto output = process->read_all();
            BOOST_TEST(process->wait() == 0, "didit-bench failed:\n" << output);
            auto last_line = output.substr(output.rfind('\n', output.size() - 2) + 1);
            out.push_back(boost::json::parse(last_line).as_object());
        }
        return out;
    }

private:
    std::filesystem::path ca_file_;
    std::vector<std::unique_ptr<child_process>> processes_;
};

std::uint64_t number(const boost::json::object& summary, std::string_view path) {
    const boost::json::value* at = &summary.at(path.substr(0, path.find('.')));
    if (auto dot = path.find('.'); dot != std::string_view::npos)
        at = &at->as_object().at(path.substr(dot + 1));
    return at->to_number<std::uint64_t>();
}

/// Runs `io` (which has nothing to do but wait) until `ready()` holds: for conditions other
/// processes make true.
template <class Predicate> void poll_until(asio::io_context& io, Predicate ready) {
    asio::steady_timer idle{io, std::chrono::hours{1}};
    idle.async_wait([](didit::error_code) {});
    run_until(io, ready);
}

} // namespace

BOOST_AUTO_TEST_CASE(two_clients_share_one_budget_under_a_hashed_key) {
    redis_server redis;
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30);
    member a{io, cfg}, b{io, cfg};
    run_until(io, [&] { return a.watch->shared == 1 && b.watch->shared == 1; });

    auto first = create_many(io, *a.client, 20);
    auto second = create_many(io, *b.client, 20, 100);
    BOOST_TEST(first.succeeded == 20u);
    BOOST_TEST(second.succeeded == 10u);    // the 10 the fleet had left
    BOOST_TEST(second.rate_limited == 10u); // refused before sending
    BOOST_TEST(emulator.stats().create_session_requests == 30u);
    BOOST_TEST(a.watch->local + b.watch->local == 0);

    redis_probe probe{redis.port()};
    BOOST_TEST(probe.count(create_log_key(cfg)) == 30);
    auto keys = probe.keys();
    BOOST_TEST(!keys.empty());
    for (const auto& key : keys) {
        BOOST_TEST(key.starts_with("didit:{"));
        BOOST_TEST(key.find(cfg.client_id) == std::string::npos);
        BOOST_TEST(key.find(cfg.client_secret) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(calls_made_at_start_wait_for_the_first_connection_to_redis) {
    // A process starts while the fleet has spent most of its budget, and its Redis is slow to
    // answer: its first calls have their connections before its Redis connection is ready.
    // They wait for it (at most fleet.redis_timeout, 2 s here) instead of going by the local
    // share, which here would let all 10 through.
    redis_server redis;
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30);
    member early{io, cfg};
    run_until(io, [&] { return early.watch->shared == 1; });
    BOOST_TEST(create_many(io, *early.client, 25).succeeded == 25u);

    redis.pause(); // accepts the connection, answers nothing
    member late{io, cfg};
    tally started;
    std::size_t done = 0;
    for (std::size_t i = 0; i < 10; ++i)
        late.client->create_session({.callback = callback_url, .vendor_data = vendor(100 + i)},
                                    [&](didit::error_code ec, didit::session) {
                                        ++done;
                                        started.succeeded += ec ? 0 : 1;
                                        started.rate_limited += ec == didit::error::rate_limited;
                                    });
    auto handshakes = emulator.stats().tls_handshakes;
    run_until(io, [&] { return emulator.stats().tls_handshakes == handshakes + 10; });
    redis.resume();
    run_until(io, [&] { return done == 10; });
    BOOST_TEST(started.succeeded == 5u);    // what the fleet had left
    BOOST_TEST(started.rate_limited == 5u); // refused before sending
    BOOST_TEST(emulator.stats().create_session_requests == 30u);
    BOOST_TEST(late.watch->shared == 1u);
    BOOST_TEST(late.watch->local == 0u);
}

BOOST_AUTO_TEST_CASE(a_429_one_client_draws_holds_the_whole_fleet) {
    redis_server redis;
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30);
    member a{io, cfg}, b{io, cfg};
    run_until(io, [&] { return a.watch->shared == 1 && b.watch->shared == 1; });
    emulator.inject({.what = didit::emulator::fault::kind::respond,
                     .status = 429,
                     .body = R"({"detail":"Request was throttled."})",
                     .retry_after = 120});
    auto a_throttled = create_many(io, *a.client, 1);
    BOOST_TEST(a_throttled.rate_limited == 1u); // 120 s is longer than its request timeout
    // What the service said reaches Redis (its reply is not waited for)...
    redis_probe probe{redis.port()};
    auto service_key = didit::detail::fleet_key_prefix(cfg) + "create_session:service";
    run_until(io, [&] { return probe.exists(service_key); });
    // ...and b, which never heard the 429, holds back without sending.
    auto b_held = create_many(io, *b.client, 3, 100);
    BOOST_TEST(b_held.rate_limited == 3u);
    BOOST_TEST(emulator.stats().create_session_requests == 1u);
}

BOOST_AUTO_TEST_CASE(without_the_shared_budget_each_client_spends_the_whole_limit) {
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, "", 30);
    member a{io, cfg}, b{io, cfg};
    BOOST_TEST(create_many(io, *a.client, 20).succeeded == 20u);
    BOOST_TEST(create_many(io, *b.client, 20, 100).succeeded == 20u);
    BOOST_TEST(emulator.stats().create_session_requests == 40u); // 10 over the service's 30
}

BOOST_AUTO_TEST_CASE(without_redis_each_client_keeps_its_share_then_shares_again) {
    redis_server redis;
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30, 1.0 / 3);
    member a{io, cfg}, b{io, cfg};
    run_until(io, [&] { return a.watch->shared == 1 && b.watch->shared == 1; });
    BOOST_TEST(create_many(io, *a.client, 12).succeeded == 12u);

    redis.stop();
    run_until(io, [&] { return a.watch->local == 1 && b.watch->local == 1; });
    BOOST_TEST((a.watch->last_error == didit::error::connection_lost));
    // Each goes by its own share, 10, and knows what it sent itself: a has used it up.
    auto a_alone = create_many(io, *a.client, 5, 100);
    auto b_alone = create_many(io, *b.client, 15, 200);
    BOOST_TEST(a_alone.succeeded == 0u);
    BOOST_TEST(a_alone.rate_limited == 5u);
    BOOST_TEST(b_alone.succeeded == 10u);
    BOOST_TEST(b_alone.rate_limited == 5u);

    // Back, empty, on the same port: the clients reconnect on their own, and count there what
    // they sent without it (b's 10; a's 12 went through the Redis that was lost).
    redis.start();
    run_until(io, [&] { return a.watch->shared == 2 && b.watch->shared == 2; });
    BOOST_TEST(redis_probe{redis.port()}.count(create_log_key(cfg)) == 10);
    redis_probe{redis.port()}.flush_scripts(); // as after a failover: EVALSHA finds nothing
    auto a_again = create_many(io, *a.client, 25, 300);
    auto b_again = create_many(io, *b.client, 5, 400);
    BOOST_TEST(a_again.succeeded == 20u); // shared again: what the fleet's 30 have left
    BOOST_TEST(b_again.succeeded == 0u);
    BOOST_TEST(a_again.other + b_again.other + a_alone.other + b_alone.other == 0u);
    BOOST_TEST(emulator.stats().create_session_requests == 12u + 10u + 20u);
    BOOST_TEST(redis_probe{redis.port()}.count(create_log_key(cfg)) == 30);
}

BOOST_AUTO_TEST_CASE(metrics_show_a_process_going_by_its_share) {
    redis_server redis;
    didit::emulator::server emulator;
    auto numbers = std::make_shared<didit::metrics>();
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30);
    cfg.observer = numbers;
    didit::client client{io.get_executor(), cfg};
    auto shows = [&](std::string_view line) {
        return numbers->prometheus_text().find(line) != std::string::npos;
    };
    BOOST_TEST(shows("\ndidit_fleet_budget_local 0\n"));
    BOOST_TEST(create_many(io, client, 1).succeeded == 1u);
    redis_probe probe{redis.port()};
    run_until(io, [&] { return probe.count(create_log_key(cfg)) == 1; }); // counted in Redis
    redis.stop();
    run_until(io, [&] { return shows("\ndidit_fleet_budget_local 1\n"); });
    BOOST_TEST(shows("\ndidit_fleet_budget_fallbacks_total 1\n"));
    redis.start();
    run_until(io, [&] { return shows("\ndidit_fleet_budget_local 0\n"); });
    BOOST_TEST(shows("\ndidit_fleet_budget_fallbacks_total 1\n"));
}

BOOST_AUTO_TEST_CASE(a_frozen_redis_costs_one_call_one_timeout) {
    redis_server redis;
    didit::emulator::server emulator;
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 30);
    cfg.fleet.redis_timeout = 200ms;
    member a{io, cfg};
    run_until(io, [&] { return a.watch->shared == 1; });
    BOOST_TEST(create_many(io, *a.client, 2).succeeded == 2u);

    redis.pause(); // connections stay open, nothing is answered
    BOOST_TEST(create_many(io, *a.client, 3, 100).succeeded == 3u);
    BOOST_TEST(a.watch->local == 1);
    BOOST_TEST((a.watch->last_error == boost::asio::error::timed_out));

    redis.resume();
    run_until(io, [&] { return a.watch->shared == 2; });
    BOOST_TEST(create_many(io, *a.client, 4, 200).succeeded == 4u);
    // 2 before and 4 after; the 3 sent while it was frozen twice: Redis ran the scripts when it
    // thawed, and the client, which had gone by its own budget for them, counted them again on
    // reconnecting. A slow Redis makes the fleet count more, never less.
    BOOST_TEST(redis_probe{redis.port()}.count(create_log_key(cfg)) == 2 + 3 + 3 + 4);
}

BOOST_AUTO_TEST_CASE(rediss_with_a_password_and_nothing_secret_in_the_logs) {
    // Named by address: a second certificate for "localhost" would have the emulator's subject.
    auto certificate = didit::emulator::detail::make_self_signed_certificate({"127.0.0.1"});
    const std::string password = "redis-pass-7f3a";
    redis_server redis{{.password = password,
                        .certificate_pem = certificate.certificate_pem,
                        .private_key_pem = certificate.private_key_pem}};
    didit::emulator::server emulator;
    std::vector<std::string> lines; // outlives the io_context: clients log while they go
    asio::io_context io;
    auto cfg = fleet_config(emulator, redis.url(), 2);
    cfg.ca_pem += certificate.certificate_pem;
    cfg.observer = std::make_shared<didit::logfmt_logger>(
        [&lines](std::string_view line) { lines.emplace_back(line); });
    didit::client a{io.get_executor(), cfg};
    auto logged = [&lines](std::string_view text) {
        for (const auto& line : lines)
            if (line.find(text) != std::string::npos)
                return true;
        return false;
    };
    run_until(io, [&] { return logged("event=fleet_budget_shared server=127.0.0.1:"); });
    BOOST_TEST(create_many(io, a, 2).succeeded == 2u);

    auto wrong = cfg;
    wrong.fleet.redis_url = "rediss://:not-the-password@127.0.0.1:" + std::to_string(redis.port());
    auto watch = std::make_shared<fleet_watch>();
    wrong.observer = watch;
    didit::client refused{io.get_executor(), wrong};
    run_until(io, [&] { return watch->local == 1; });
    BOOST_TEST((watch->last_error == didit::error::unauthorized));

    auto right = cfg;
    auto right_watch = std::make_shared<fleet_watch>();
    right.observer = right_watch;
    didit::client b{io.get_executor(), right};
    run_until(io, [&] { return right_watch->shared == 1; });
    auto late = create_many(io, b, 1, 10); // the fleet's 2 are spent (over TLS, in Redis)
    BOOST_TEST(late.rate_limited == 1u);

    for (const auto& line : lines) {
        BOOST_TEST_MESSAGE(line);
        BOOST_TEST(line.find(password) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(three_processes_keep_within_one_budget_that_three_alone_overrun) {
    redis_server redis;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(scaled_down);
    for (auto& summary : three_processes{emulator, redis.url(), 30}.summaries()) {
        BOOST_TEST(number(summary, "succeeded") == 30u);
        BOOST_TEST(number(summary, "attempts") == 30u); // each sent once, none refused
        BOOST_TEST(number(summary, "rate_limited_received") == 0u);
        BOOST_TEST(number(summary, "fleet.shared") == 1u);
        BOOST_TEST(number(summary, "fleet.local") == 0u);
    }
    BOOST_TEST(emulator.stats().create_session_requests == 90u);
    BOOST_TEST(emulator.stats().throttled == 0u); // never more than 30 in any second

    // The same three without Redis: each spends the whole budget, and the service says no.
    emulator.reset();
    std::uint64_t refused = 0;
    for (auto& summary : three_processes{emulator, "", 30}.summaries()) {
        BOOST_TEST(number(summary, "succeeded") == 30u); // after waiting out the 429s
        refused += number(summary, "rate_limited_received");
    }
    BOOST_TEST(refused > 0u);
    BOOST_TEST(emulator.stats().throttled == refused);
}

BOOST_AUTO_TEST_CASE(three_processes_use_the_whole_shared_budget_in_every_window) {
    // 60 creates per 2 s window; three processes, 4 callers each, always waiting, with 330
    // requests in all: demand exceeds the budget for more than five windows.
    redis_server redis;
    didit::emulator::server emulator;
    const auto window = 2s;
    emulator.enable_rate_limits({.window = window, .generic_write = 100000, .create_session = 60});
    for (auto& summary :
         three_processes{emulator, redis.url(), 110, 0, "window_ms=2000,create_session=60"}
             .summaries()) {
        BOOST_TEST(number(summary, "succeeded") == 110u);
        BOOST_TEST(number(summary, "rate_limited_received") == 0u);
    }
    BOOST_TEST(emulator.stats().throttled == 0u);
    // The service's own windows from its first accepted create: at least 98 % of 60 in each.
    auto let_through = emulator.creates_let_through();
    BOOST_REQUIRE(let_through.size() == 330u);
    for (int k = 0; k < 5; ++k) {
        auto from = let_through.front() + k * window;
        auto in_window = std::count_if(let_through.begin(), let_through.end(),
                                       [&](auto t) { return t >= from && t < from + window; });
        BOOST_TEST_MESSAGE("window " << k << ": " << in_window << " of 60");
        BOOST_TEST(in_window >= 59, "window " << k << ": " << in_window << " of 60");
    }
}

BOOST_AUTO_TEST_CASE(three_processes_go_on_while_redis_is_away_and_share_again) {
    redis_server redis;
    didit::emulator::server emulator;
    emulator.enable_rate_limits(scaled_down);
    asio::io_context io;
    // 8 per second each, for 7.5 s: all three still run when Redis is back, however the
    // shared budget happens to divide between them.
    three_processes fleet{emulator, redis.url(), 60, 8};
    auto created = [&] { return emulator.stats().create_session_requests; };
    // Each process uses the shared budget once it has connected (until then, its share).
    redis_probe probe{redis.port()};
    auto log_key = create_log_key(as_v3(emulator.client_config()));
    poll_until(io, [&] { return probe.processes_in(log_key) == 3; });
    auto at_stop = created();
    redis.stop();
    poll_until(io, [&] { return created() >= at_stop + 30; }); // all go on, a third each
    redis.start();
    for (auto& summary : fleet.summaries()) {
        BOOST_TEST(number(summary, "succeeded") == 60u);
        BOOST_TEST(number(summary, "fleet.local") >= 1u);  // lost it, went on with a third
        BOOST_TEST(number(summary, "fleet.shared") >= 2u); // had it, and had it again
    }
    BOOST_TEST(created() >= 180u);
}

BOOST_AUTO_TEST_CASE(configuration_is_checked_before_anything_connects) {
    didit::emulator::server emulator;
    asio::io_context io;
    auto refused = [&](didit::config cfg, std::string_view field) {
        try {
            didit::client client{io.get_executor(), cfg};
            BOOST_ERROR("accepted a configuration without " << field);
        } catch (const didit::config_error& e) {
            std::string what = e.what();
            BOOST_TEST_MESSAGE(what);
            BOOST_TEST(what.find(field) != std::string::npos);
            BOOST_TEST(what.find("hunter2") == std::string::npos);
        }
    };
    auto cfg = fleet_config(emulator, "redis://:hunter2@127.0.0.1:1", 30);
    auto no_backend = cfg;
    no_backend.fleet.backend = nullptr;
    refused(no_backend, "fleet.backend");
    for (auto url : {"http://:hunter2@127.0.0.1:6379", "redis://:hunter2@127.0.0.1:6379/x",
                     "redis://user@127.0.0.1", "redis://:hunter2@:6379", "redis://h/1?x=hunter2"}) {
        auto bad = cfg;
        bad.fleet.redis_url = url;
        refused(bad, "fleet.redis_url");
    }
    auto share = cfg;
    share.fleet.fallback_share = 0;
    refused(share, "fleet.fallback_share");
    auto off = cfg;
    off.rate_limits = didit::rate_limits::off();
    refused(off, "rate_limits.enabled");
}

BOOST_AUTO_TEST_CASE(the_scripts_arguments_and_answers) {
    namespace d = didit::detail;
    didit::config cfg;
    cfg.api_key = "a-test-api-key";
    auto prefix = d::fleet_key_prefix(cfg);
    BOOST_TEST(prefix.size() == std::string{"didit:{}:"}.size() + 32);
    BOOST_TEST(prefix.find(cfg.api_key) == std::string::npos);
    didit::config other = cfg;
    other.api_key = "another-key";
    BOOST_TEST(d::fleet_key_prefix(other) != prefix); // one budget per credential

    auto limits = d::fleet_limits_for(cfg.rate_limits);
    BOOST_TEST(limits.counted_window.count() == 62'000); // 60 s and the margin
    auto command = d::acquire_command(
        prefix, limits, d::scopes_for(d::rate_scope::create_session, false), "n:1", false);
    BOOST_TEST(command.find(d::acquire_script().sha1) != std::string::npos);
    BOOST_TEST(command.find(prefix + "create_session:log") != std::string::npos);
    BOOST_TEST(command.find(prefix + "generic_write:service") != std::string::npos);
    BOOST_TEST(command.find("\r\n600\r\n") != std::string::npos); // create_session's limit
    BOOST_TEST(d::acquire_script().sha1.size() == 40u);

    d::rate_feedback plain{.limit = 600, .remaining = 12, .reset_in = 1s};
    BOOST_TEST(d::worth_sharing(plain, 0));    // a limit the fleet has not heard of
    BOOST_TEST(!d::worth_sharing(plain, 600)); // nothing new
    d::rate_feedback spent{.limit = 600, .remaining = 0, .reset_in = 1s};
    BOOST_TEST(d::worth_sharing(spent, 600));
    d::rate_feedback throttled{.retry_after = 2s, .throttled = true};
    BOOST_TEST(d::worth_sharing(throttled, 600));
}
