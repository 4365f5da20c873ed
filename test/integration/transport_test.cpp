#define BOOST_TEST_MODULE transport
#include "support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/err.h>

using namespace didit_test;
using namespace std::chrono_literals;
using didit::error;
using fault = didit::emulator::fault;
namespace ip = boost::asio::ip;

BOOST_AUTO_TEST_SUITE(keep_alive)

BOOST_AUTO_TEST_CASE(sequential_requests_share_one_connection) {
    fixture f;
    for (std::size_t i = 0; i < 5; ++i)
        BOOST_TEST(!f.create(i).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(a_time_limit_ends_with_its_phase) {
    // The limits of a connect, a handshake and an exchange that finished in time do not fire
    // later, while the connection is idle or carrying the next call.
    fixture f{{}, [](didit::config& cfg) {
                  cfg.connect_timeout = cfg.handshake_timeout = cfg.retry.attempt_timeout = 300ms;
              }};
    BOOST_TEST(!f.create(0).ec);
    bool idled = false;
    boost::asio::steady_timer idle{f.io, 600ms}; // twice the limits, with the connection idle
    idle.async_wait([&](auto) { idled = true; });
    run_until(f.io, [&] { return idled; });
    for (std::size_t i = 1; i < 5; ++i)
        BOOST_TEST(!f.create(i).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(the_pool_never_exceeds_its_bound) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 2; }};
    auto outs = f.create_concurrently(200);
    BOOST_TEST(count_succeeded(outs) == 200u);
    BOOST_TEST(f.emulator.stats().connections_accepted <= 2u);
    BOOST_TEST(f.emulator.stats().sessions_created == 200u);
}

BOOST_AUTO_TEST_CASE(a_connection_closed_by_the_server_while_idle_is_replaced) {
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.close_idle_connections();
    auto out = f.create(1);
    BOOST_TEST(!out.ec, out.ec.message());
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.connections_accepted == 2u);
    BOOST_TEST(seen.create_session_requests == 2u); // nothing was sent twice
    BOOST_TEST(seen.sessions_created == 2u);
}

BOOST_AUTO_TEST_CASE(many_stale_connections_are_all_replaced) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 4; }};
    BOOST_TEST(count_succeeded(f.create_concurrently(4)) == 4u);
    auto before = f.emulator.stats().connections_accepted;
    f.emulator.close_idle_connections();
    BOOST_TEST(count_succeeded(f.create_concurrently(8)) == 8u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.connections_accepted > before);
    BOOST_TEST(seen.create_session_requests == 12u);
    BOOST_TEST(seen.sessions_created == 12u);
}

BOOST_AUTO_TEST_CASE(connection_close_retires_the_connection) {
    fixture f;
    f.emulator.inject({.what = fault::kind::close_after_response});
    BOOST_TEST(!f.create(0).ec);
    BOOST_TEST(!f.create(1).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(idle_connections_expire) {
    // An idle connection is not watched by a timer (that would keep io_context::run() busy):
    // the next call finds it expired, closes it and opens another.
    fixture f{{}, [](didit::config& cfg) { cfg.idle_timeout = 100ms; }};
    BOOST_TEST(!f.create(0).ec);
    bool idled = false;
    boost::asio::steady_timer idle{f.io, 150ms}; // past the idle timeout
    idle.async_wait([&](auto) { idled = true; });
    run_until(f.io, [&] { return idled; });
    BOOST_TEST(!f.create(1).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
    run_until(f.io, [&] { return f.emulator.open_connections() == 1; }); // the expired one went
}

/// The README's program: a client in main's scope, one create, io_context::run(). run() must
/// return once the create is done, with the client (and its kept-alive connection, and for v1
/// its token) still alive and no cancel() called.
void run_a_program_like_the_readme(const std::function<void(didit::config&)>& adjust) {
    didit::emulator::server emulator;
    boost::asio::io_context io;
    auto cfg = emulator.client_config();
    adjust(cfg);
    didit::client client{io.get_executor(), cfg};
    std::string url;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            // (No co_await inside ?: — GCC 12 miscompiles that.)
            didit::session s;
            if (cfg.generation() == didit::api_generation::v1)
                s = co_await client.create_session({.callback = "https://example.com/kyc/done"});
            else
                s = co_await client.create_workflow_session(
                    {.workflow_id = "11111111-2222-3333-4444-555555555555"});
            url = s.url;
        },
        boost::asio::detached);
    io.run(); // a hang here is the failure
    BOOST_TEST(!url.empty());
    BOOST_TEST(emulator.open_connections() == 1u); // kept alive for a next call, not closed
}

BOOST_AUTO_TEST_CASE(a_v1_program_ends_when_its_work_does) {
    run_a_program_like_the_readme([](didit::config&) {});
}

BOOST_AUTO_TEST_CASE(a_v3_program_ends_when_its_work_does) {
    run_a_program_like_the_readme([](didit::config& cfg) { cfg = as_v3(cfg); });
}

BOOST_AUTO_TEST_CASE(an_error_other_code_left_on_the_thread_does_not_fail_a_call) {
    // OpenSSL's error queue is per thread and shared with whatever else runs there: an entry
    // left in it must not be taken for the failure of the client's next TLS read or write.
    fixture f;
    for (std::size_t i = 0; i < 5; ++i) {
        ERR_raise(ERR_LIB_USER, 1); // someone else's, left before every call
        auto out = f.create(i);
        BOOST_TEST(!out.ec, out.ec.message());
    }
    ERR_clear_error();
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(no_duplicates)

BOOST_AUTO_TEST_CASE(a_request_dropped_after_processing_is_outcome_unknown) {
    fixture f;
    f.emulator.inject({.what = fault::kind::drop_after_processing});
    auto out = f.create();
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(out.diag.request_sent);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == 1u); // never sent again
    BOOST_TEST(seen.sessions_created == 1u);
    BOOST_TEST(!f.create(1).ec); // and the client carries on
}

BOOST_AUTO_TEST_CASE(a_connection_closed_on_arrival_is_outcome_unknown_not_retried) {
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::close_on_arrival});
    auto out = f.create(1);
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(f.emulator.stats().create_session_requests == 2u);
    BOOST_TEST(f.emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_CASE(a_token_request_on_a_broken_connection_is_retried) {
    // The token request is safe to repeat: a reused connection that breaks gets one retry.
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.expire_tokens(); // the next create meets a 401 and refreshes on its connection
    f.emulator.inject(
        {.what = fault::kind::close_on_arrival, .where = didit::emulator::endpoint::token});
    auto out = f.create(1);
    BOOST_TEST(!out.ec, out.ec.message());
    BOOST_TEST(f.emulator.stats().token_requests == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_rejected) {
    fixture f{{}, [](didit::config& cfg) { cfg.ca_pem.clear(); }};
    auto out = f.create();
    BOOST_TEST((out.ec == error::tls_failed));
    BOOST_TEST(out.diag.message.find("certificate") != std::string::npos, out.diag.message);
    BOOST_TEST(out.diag.retries.empty()); // a refused certificate is not worth a retry
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
    BOOST_TEST(f.emulator.stats().token_requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_host_is_rejected) {
    didit::emulator::options opts;
    opts.certificate_hosts = {"didit.invalid"};
    fixture f{opts};
    auto out = f.create();
    BOOST_TEST((out.ec == error::tls_failed));
    BOOST_TEST(out.diag.message.find("hostname mismatch") != std::string::npos, out.diag.message);
    BOOST_TEST(f.emulator.stats().token_requests == 0u);
}

BOOST_AUTO_TEST_CASE(an_ip_address_is_checked_against_the_certificate) {
    fixture ok{{}, [](didit::config& cfg) {
                   cfg.api_url = cfg.auth_url =
                       "https://127.0.0.1:" + cfg.api_url.substr(cfg.api_url.rfind(':') + 1);
               }};
    BOOST_TEST(!ok.create().ec);

    didit::emulator::options opts;
    opts.certificate_hosts = {"localhost"};
    fixture refused{opts, [](didit::config& cfg) {
                        cfg.api_url = cfg.auth_url =
                            "https://127.0.0.1:" + cfg.api_url.substr(cfg.api_url.rfind(':') + 1);
                    }};
    BOOST_TEST((refused.create().ec == error::tls_failed));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failures_and_timeouts)

BOOST_AUTO_TEST_CASE(a_refused_connection_is_connect_failed) {
    unsigned short port;
    {
        boost::asio::io_context io;
        ip::tcp::acceptor probe{io, {ip::make_address("127.0.0.1"), 0}};
        port = probe.local_endpoint().port();
    } // closed: nothing listens there now
    fixture f{{}, [port](didit::config& cfg) {
                  cfg.api_url = cfg.auth_url = "https://127.0.0.1:" + std::to_string(port);
              }};
    auto out = f.create();
    BOOST_TEST((out.ec == error::connect_failed));
    BOOST_TEST((out.ec == didit::condition::retryable));
}

BOOST_AUTO_TEST_CASE(a_server_that_never_accepts_hits_the_connect_timeout) {
    // A listener whose accept queue is full: the kernel drops further SYNs, so connecting
    // neither succeeds nor fails until the client gives up.
    boost::asio::io_context io;
    ip::tcp::acceptor full{io, ip::tcp::v4()};
    full.bind({ip::make_address("127.0.0.1"), 0});
    full.listen(0);
    auto port = full.local_endpoint().port();
    std::vector<ip::tcp::socket> queued;
    for (int i = 0; i < 4; ++i) {
        // The connect syscall is made at initiation; `io` is never run, so nothing waits.
        queued.emplace_back(io);
        queued.back().async_connect({ip::make_address("127.0.0.1"), port}, [](auto) {});
    }
    fixture f{{}, [port](didit::config& cfg) {
                  cfg.api_url = cfg.auth_url = "https://127.0.0.1:" + std::to_string(port);
                  cfg.connect_timeout = 200ms;
              }};
    auto out = f.create();
    BOOST_TEST((out.ec == error::connect_timeout), out.ec.message());
    BOOST_TEST((out.ec == didit::condition::timeout));
}

BOOST_AUTO_TEST_CASE(a_server_that_never_speaks_tls_hits_the_handshake_timeout) {
    boost::asio::io_context io;
    ip::tcp::acceptor silent{io, {ip::make_address("127.0.0.1"), 0}};
    auto port = silent.local_endpoint().port();
    fixture f{{}, [port](didit::config& cfg) {
                  cfg.api_url = cfg.auth_url = "https://127.0.0.1:" + std::to_string(port);
                  cfg.handshake_timeout = 200ms;
              }};
    auto out = f.create(); // the kernel completes the TCP handshake; nobody answers TLS
    BOOST_TEST((out.ec == error::handshake_timeout));
    BOOST_TEST((out.ec == didit::condition::timeout));
}

BOOST_AUTO_TEST_CASE(a_timeout_before_sending_is_request_timeout) {
    fixture f{{}, [](didit::config& cfg) {
                  cfg.request_timeout = 200ms;
                  cfg.token_timeout = 0ms;
              }};
    f.emulator.inject(
        {.what = fault::kind::delay, .where = didit::emulator::endpoint::token, .delay = 10s});
    auto out = f.create();
    BOOST_TEST((out.ec == error::request_timeout));
    BOOST_TEST(!out.diag.request_sent);
    BOOST_TEST(f.emulator.stats().create_session_requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_timeout_after_sending_a_create_is_outcome_unknown) {
    fixture f{{}, [](didit::config& cfg) { cfg.request_timeout = 300ms; }};
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::delay, .delay = 10s});
    auto out = f.create(1);
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(out.diag.request_sent);
    // The timed-out connection was thrown away: the next call opens a new one.
    BOOST_TEST(!f.create(2).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(calls_in_flight_time_out_each_at_its_own_deadline) {
    // One timer watches every call's deadline: a call started later with a shorter limit must
    // still end at its own, and the one with the longest limit must be left to finish.
    fixture f;
    BOOST_TEST(!f.create(0).ec); // token and connection ready
    f.emulator.inject({.what = fault::kind::delay, .times = 3, .delay = 1500ms});
    std::vector<outcome> outs(3);
    std::vector<std::size_t> finished; // indexes, in the order the calls completed
    auto start = [&](std::size_t i, std::chrono::milliseconds limit) {
        f.client->create_session(
            {.callback = callback_url}, outs[i].diag,
            didit::with_options({.request_timeout = limit},
                                [&, i](didit::error_code ec, didit::session s) {
                                    outs[i].ec = ec;
                                    outs[i].session = std::move(s);
                                    outs[i].done = true;
                                    finished.push_back(i);
                                }));
    };
    start(0, 20s);
    start(1, 600ms);
    start(2, 200ms);
    f.run_until_done(outs);
    BOOST_TEST(!outs[0].ec, outs[0].ec.message());
    for (std::size_t i : {1u, 2u}) {
        // Sent creates that were not answered in time: they may have taken effect.
        BOOST_TEST((outs[i].ec == error::outcome_unknown), outs[i].ec.message());
        BOOST_TEST(outs[i].diag.message.find("request timeout") != std::string::npos,
                   outs[i].diag.message);
    }
    BOOST_TEST((finished == std::vector<std::size_t>{2, 1, 0}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cancellation)

BOOST_AUTO_TEST_CASE(cancelling_an_in_flight_request_discards_its_connection) {
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::delay, .delay = 10s});
    boost::asio::cancellation_signal cancel;
    std::vector<outcome> outs(1);
    f.start(outs[0], 1, cancel.slot());
    run_until(f.io, [&] { return f.emulator.stats().create_session_requests == 2; });
    cancel.emit(boost::asio::cancellation_type::terminal);
    f.run_until_done(outs);
    // The create was sent: it may have happened.
    BOOST_TEST((outs[0].ec == error::outcome_unknown));
    BOOST_TEST(outs[0].diag.request_sent);
    BOOST_TEST(!f.create(2).ec);
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(cancelling_a_request_waiting_for_the_pool) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 1; }};
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::delay, .delay = 300ms});
    std::vector<outcome> outs(2);
    f.start(outs[0], 1); // holds the only connection for 300 ms
    boost::asio::cancellation_signal cancel;
    f.start(outs[1], 2, cancel.slot());
    f.io.poll();
    cancel.emit(boost::asio::cancellation_type::terminal);
    f.run_until_done(outs);
    BOOST_TEST((outs[1].ec == boost::asio::error::operation_aborted));
    BOOST_TEST(!outs[1].diag.request_sent);
    BOOST_TEST(!outs[0].ec);
    BOOST_TEST(f.emulator.stats().sessions_created == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
