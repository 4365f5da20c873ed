#define BOOST_TEST_MODULE pool and shutdown
// The pool is fair and calm, and the client can be stopped: waiters are served in arrival
// order, an outage is probed by one connect at a time, cancel() ends every call once.
#include "support.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>

using namespace didit_test;
using namespace std::chrono_literals;
using didit::error;
using fault = didit::emulator::fault;
namespace ip = boost::asio::ip;

namespace {

/// Accepts TCP connections, holds each briefly without a TLS answer, then closes it: a server
/// in trouble. Counts how many it held at once.
class failing_listener {
public:
    explicit failing_listener(asio::io_context& io)
        : io_(io), acceptor_(io, {ip::make_address("127.0.0.1"), 0}) {
        accept();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::size_t peak = 0;
    std::size_t accepted = 0;
    void stop() { acceptor_.close(); }

private:
    void accept() {
        acceptor_.async_accept([this](didit::error_code ec, ip::tcp::socket socket) {
            if (ec)
                return;
            ++accepted;
            peak = std::max(peak, ++open_);
            auto held = std::make_shared<ip::tcp::socket>(std::move(socket));
            auto timer = std::make_shared<asio::steady_timer>(io_, 20ms);
            timer->async_wait([this, held, timer](didit::error_code) {
                held->close();
                --open_;
            });
            accept();
        });
    }

    asio::io_context& io_;
    ip::tcp::acceptor acceptor_;
    std::size_t open_ = 0;
};

} // namespace

BOOST_AUTO_TEST_SUITE(fairness)

BOOST_AUTO_TEST_CASE(queued_calls_complete_in_arrival_order_and_none_overtakes) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 2; }};
    // Token and both connections ready: a handshake would hold one call back.
    BOOST_TEST(count_succeeded(f.create_concurrently(2)) == 2u);
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
    constexpr std::size_t queued = 1000;
    std::vector<outcome> outs(queued + 10);
    std::vector<std::size_t> order;
    std::function<void(std::size_t)> start;
    start = [&](std::size_t i) {
        auto who = vendor(i);
        f.client->create_session({.callback = callback_url, .vendor_data = who}, outs[i].diag,
                                 [&, i](didit::error_code ec, didit::session s) {
                                     outs[i].ec = ec;
                                     outs[i].session = std::move(s);
                                     outs[i].done = true;
                                     order.push_back(i);
                                     // A late call, started while hundreds wait: it queues
                                     // behind them.
                                     if (i < 10)
                                         start(queued + i);
                                 });
    };
    for (std::size_t i = 0; i < queued; ++i)
        start(i);
    f.run_until_done(outs);
    BOOST_TEST(count_succeeded(outs) == outs.size());
    // Two connections: two calls in flight at a time, so a call can finish at most one place
    // away from where it queued.
    std::size_t worst = 0;
    for (std::size_t position = 0; position < queued; ++position) {
        auto index = order[position];
        if (index < queued)
            worst = std::max(worst, index > position ? index - position : position - index);
    }
    BOOST_TEST(worst <= 1u);
    for (std::size_t position = 0; position < order.size(); ++position)
        if (order[position] >= queued)
            BOOST_TEST(position >= queued - 2, "a late call overtook queued ones");
    BOOST_TEST(f.emulator.stats().connections_accepted <= 2u);
}

BOOST_AUTO_TEST_CASE(during_an_outage_one_connect_at_a_time_probes_the_server) {
    asio::io_context io;
    failing_listener down{io};
    didit::config cfg;
    cfg.api_key = "offline-test-key";
    cfg.api_url = "https://127.0.0.1:" + std::to_string(down.port());
    cfg.rate_limits = didit::rate_limits::off();
    cfg.retry.max_attempts = 3;
    cfg.retry.initial_backoff = 10ms;
    cfg.retry.max_backoff = 50ms;
    didit::client client{io.get_executor(), cfg};

    std::vector<outcome> outs(101);
    auto start = [&](outcome& out) {
        client.list_sessions({}, out.diag, [&out](didit::error_code ec, didit::session_page) {
            out.ec = ec;
            out.done = true;
        });
    };
    auto run_until_done = [&](std::size_t from, std::size_t to) {
        for (;;) {
            bool done = true;
            for (std::size_t i = from; i < to; ++i)
                done = done && outs[i].done;
            if (done)
                return;
            BOOST_REQUIRE(io.run_one() > 0);
        }
    };
    start(outs[0]); // learns that the server is failing
    run_until_done(0, 1);
    BOOST_TEST((outs[0].ec == error::tls_failed));
    down.peak = 0;
    auto before = down.accepted;
    for (std::size_t i = 1; i < outs.size(); ++i)
        start(outs[i]);
    run_until_done(1, outs.size());
    for (std::size_t i = 1; i < outs.size(); ++i) {
        BOOST_TEST((outs[i].ec == error::tls_failed));
        BOOST_TEST(!outs[i].diag.message.empty());
    }
    BOOST_TEST(down.peak == 1u); // never two connects at once
    // Each probe's failure is shared by everyone waiting on it: far fewer connects than calls.
    BOOST_TEST(down.accepted - before < 100u * cfg.retry.max_attempts / 2);
    down.stop();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stopping)

BOOST_AUTO_TEST_CASE(cancel_ends_every_call_in_flight_exactly_once) {
    fixture f;
    BOOST_TEST(!f.create(0).ec); // token and a connection ready
    auto in_flight = static_cast<unsigned>(f.cfg.max_connections_per_origin);
    f.emulator.inject({.what = fault::kind::delay, .times = in_flight, .delay = 10s});
    std::vector<outcome> outs(100);
    std::vector<int> completions(outs.size(), 0);
    for (std::size_t i = 0; i < outs.size(); ++i) {
        auto who = vendor(i + 1);
        f.client->create_session({.callback = callback_url, .vendor_data = who}, outs[i].diag,
                                 [&, i](didit::error_code ec, didit::session) {
                                     outs[i].ec = ec;
                                     outs[i].done = true;
                                     ++completions[i];
                                 });
    }
    run_until(f.io, [&] { return f.emulator.stats().create_session_requests == 1 + in_flight; });
    f.client->cancel();
    f.io.restart();
    f.io.run(); // returns: nothing of the client is left to wait for
    std::size_t unknown = 0, aborted = 0;
    for (std::size_t i = 0; i < outs.size(); ++i) {
        BOOST_TEST(completions[i] == 1);
        if (outs[i].ec == error::outcome_unknown)
            ++unknown; // sent: it may have been created
        else if (outs[i].ec == asio::error::operation_aborted)
            ++aborted; // still queued: nothing was sent
    }
    BOOST_TEST(unknown == in_flight);
    BOOST_TEST(aborted == outs.size() - in_flight);

    auto after = f.create(200); // the client still works afterwards
    BOOST_TEST(!after.ec, after.ec.message());
}

BOOST_AUTO_TEST_CASE(partial_cancellation_is_honoured_only_before_sending) {
    fixture f{{}, [](didit::config& cfg) { cfg.max_connections_per_origin = 1; }};
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::delay, .delay = 300ms});
    asio::cancellation_signal sent_signal, queued_signal;
    std::vector<outcome> outs(2);
    f.start(outs[0], 1, sent_signal.slot());
    f.start(outs[1], 2, queued_signal.slot()); // waits for the only connection
    run_until(f.io, [&] { return f.emulator.stats().create_session_requests == 2; });
    sent_signal.emit(asio::cancellation_type::partial); // too late: already sent
    queued_signal.emit(asio::cancellation_type::total); // in time: nothing sent
    f.run_until_done(outs);
    BOOST_TEST(!outs[0].ec, outs[0].ec.message());
    BOOST_TEST((outs[1].ec == asio::error::operation_aborted));
    BOOST_TEST(!outs[1].diag.request_sent);
    BOOST_TEST(f.emulator.stats().create_session_requests == 2u);
}

BOOST_AUTO_TEST_CASE(a_moved_from_client_fails_clearly) {
    fixture f;
    didit::client moved{std::move(*f.client)};
    outcome out;
    didit::diagnostics diag;
    // A moved-from client has no executor of its own: the handlers say where they run.
    f.client->create_session({.callback = callback_url}, diag,
                             asio::bind_executor(f.io, [&](didit::error_code ec, didit::session) {
                                 out.ec = ec;
                                 out.done = true;
                             }));
    didit::error_code read_ec;
    bool read_done = false;
    f.client->retrieve_decision(
        "abc", asio::bind_executor(f.io, [&](didit::error_code ec, didit::decision) {
            read_ec = ec;
            read_done = true;
        }));
    run_until(f.io, [&] { return out.done && read_done; });
    BOOST_TEST((out.ec == error::client_moved_from));
    BOOST_TEST(diag.message.find("moved-from") != std::string::npos);
    BOOST_TEST((read_ec == error::client_moved_from));
    BOOST_TEST(f.emulator.stats().create_session_requests == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_new_connection_resumes_the_origins_last_tls_session) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    auto create = [&] {
        didit::error_code ec;
        bool done = false;
        f.client->create_workflow_session({.workflow_id = "11111111-2222-4333-8444-555555555555"},
                                          [&](didit::error_code e, didit::session) {
                                              ec = e;
                                              done = true;
                                          });
        run_until(f.io, [&] { return done; });
        BOOST_TEST(!ec, ec.message());
    };
    create();
    BOOST_TEST(f.emulator.stats().tls_handshakes == 1u);
    BOOST_TEST(f.emulator.stats().tls_resumptions == 0u); // nothing to resume yet
    f.emulator.close_idle_connections();
    create();
    create(); // on the kept-alive second connection: no handshake at all
    auto stats = f.emulator.stats();
    BOOST_TEST(stats.connections_accepted == 2u);
    BOOST_TEST(stats.tls_handshakes == 2u);
    BOOST_TEST(stats.tls_resumptions == 1u); // the second connection resumed the first's session
}

BOOST_AUTO_TEST_CASE(without_keep_alive_every_request_takes_a_new_resumed_connection) {
    fixture f{{}, [](didit::config& cfg) { cfg.keep_alive = false; }};
    constexpr std::size_t creates = 5;
    for (std::size_t i = 0; i < creates; ++i) { // one after another, so none could share
        auto out = f.create(i + 1);
        BOOST_TEST(!out.ec, out.ec.message());
    }
    auto stats = f.emulator.stats();
    BOOST_TEST(stats.sessions_created == creates);
    BOOST_TEST(stats.connections_accepted == 1 + creates); // the token request's, then one each
    BOOST_TEST(stats.tls_resumptions == creates);          // all but the first resumed
    BOOST_TEST(f.client->stats().connections_opened == 1 + creates);
    run_until(f.io, [&] { return f.emulator.open_connections() == 0; }); // none kept open
}

BOOST_AUTO_TEST_CASE(connections_ending_while_others_start_leave_the_session_resumable) {
    // Four callers, each starting its next create as the last one ends, every create on a new
    // connection: connections end (without close_notify) while others are being opened. One
    // that ends must not make the cached session unresumable for those opened after it, as
    // it did when every connection was handed the cached session object itself.
    fixture f{{}, [](didit::config& cfg) { cfg.keep_alive = false; }};
    BOOST_TEST(!f.create(0).ec); // a token, and a session to resume
    constexpr std::size_t callers = 4, each = 25;
    std::vector<outcome> outs(callers * each);
    std::function<void(std::size_t)> next = [&](std::size_t i) {
        f.client->create_session({.callback = callback_url}, outs[i].diag,
                                 [&, i](didit::error_code ec, didit::session) {
                                     outs[i].ec = ec;
                                     outs[i].done = true;
                                     if (i + callers < outs.size())
                                         next(i + callers);
                                 });
    };
    for (std::size_t c = 0; c < callers; ++c)
        next(c);
    f.run_until_done(outs);
    for (const auto& out : outs)
        BOOST_TEST(!out.ec, out.ec.message());
    auto stats = f.emulator.stats();
    // Only the token request's connection paid a full handshake; every later one resumed.
    BOOST_TEST(stats.connections_accepted == 2 + outs.size());
    BOOST_TEST(stats.tls_resumptions == stats.tls_handshakes - 1);
}
