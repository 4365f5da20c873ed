#define BOOST_TEST_MODULE proxies
// Through a real forward proxy (Debian's squid, started on a free loopback port with Basic
// authentication): tunnels per connection, refused credentials, NO_PROXY, an unreachable
// proxy, and TLS resumption behind the proxy, counted by squid and by the emulator.
#include "scripted_proxy.hpp"
#include "squid_server.hpp"
#include "support.hpp"

using namespace didit_test;
using didit::error;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// The emulator's authority as the client names it in CONNECT.
std::string authority(const didit::emulator::server& emulator) {
    return "localhost:" + std::to_string(emulator.port());
}

/// `count` v3 creates at once (with vendor_data), run to completion.
std::vector<outcome> create_v3(fixture& f, std::size_t count) {
    std::vector<outcome> outs(count);
    for (std::size_t i = 0; i < count; ++i)
        f.client->create_workflow_session(
            {.workflow_id = std::string{workflow}, .vendor_data = vendor(i)}, outs[i].diag,
            [&outs, i](didit::error_code ec, didit::session s) {
                outs[i].ec = ec;
                outs[i].session = std::move(s);
                outs[i].done = true;
            });
    f.run_until_done(outs);
    return outs;
}

} // namespace

BOOST_AUTO_TEST_CASE(v1_calls_go_through_the_proxy_one_connect_per_connection) {
    squid_server squid{"didit", "proxy-pass-1"};
    fixture f{{}, [&](didit::config& cfg) { cfg.proxy = squid.url(); }};
    auto outs = f.create_concurrently(12);
    BOOST_TEST(count_succeeded(outs) == 12u);
    auto opened = f.client->stats().connections_opened;
    BOOST_TEST(opened >= 1u);
    BOOST_TEST(f.emulator.stats().token_requests == 1u);
    f.client.reset(); // closes the pooled connections, so squid ends their tunnels
    squid.stop();
    BOOST_TEST(squid.tunnels_to(authority(f.emulator)) == opened);
    BOOST_TEST(f.emulator.stats().connections_accepted == opened);
}

BOOST_AUTO_TEST_CASE(v3_calls_go_through_the_proxy_one_connect_per_connection) {
    squid_server squid{"didit", "proxy-pass-2"};
    fixture f{{}, [&](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.proxy = squid.url();
              }};
    auto outs = create_v3(f, 20);
    BOOST_TEST(count_succeeded(outs) == 20u);
    auto opened = f.client->stats().connections_opened;
    f.client.reset();
    squid.stop();
    BOOST_TEST(squid.tunnels_to(authority(f.emulator)) == opened);
    BOOST_TEST(f.emulator.stats().sessions_created == 20u);
}

BOOST_AUTO_TEST_CASE(a_wrong_proxy_password_is_proxy_auth_required_and_reaches_nothing) {
    squid_server squid{"didit", "proxy-pass-3"};
    fixture f{{}, [&](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.proxy = squid.url("didit", "wrong-password");
              }};
    auto outs = create_v3(f, 3);
    for (const auto& out : outs) {
        BOOST_TEST((out.ec == error::proxy_auth_required));
        BOOST_TEST(out.diag.retries.empty()); // a 407 is never repeated
        BOOST_TEST(out.diag.message.find("407") != std::string::npos, out.diag.message);
        BOOST_TEST(out.diag.message.find("wrong-password") == std::string::npos);
        BOOST_TEST(out.diag.http_status == 0); // the service said nothing
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
    squid.stop();
    auto log = squid.access_log();
    BOOST_TEST(!log.empty());
    for (const auto& line : log)
        BOOST_TEST(line.find("TCP_DENIED/407") != std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(a_host_in_no_proxy_goes_direct) {
    squid_server squid{"didit", "proxy-pass-4"};
    fixture f{{}, [&](didit::config& cfg) {
                  cfg.proxy = squid.url();
                  cfg.no_proxy = "example.org, .localhost, localhost";
              }};
    auto outs = f.create_concurrently(5);
    BOOST_TEST(count_succeeded(outs) == 5u);
    f.client.reset();
    squid.stop();
    BOOST_TEST(squid.access_log().empty());
}

BOOST_AUTO_TEST_CASE(an_unreachable_proxy_gives_the_connect_error_after_retries) {
    unsigned short nobody = 0;
    {
        asio::io_context io;
        asio::ip::tcp::acceptor probe{io, {asio::ip::make_address("127.0.0.1"), 0}};
        nobody = probe.local_endpoint().port(); // closed again: nothing listens there
    }
    fixture f{{}, [&](didit::config& cfg) {
                  cfg.proxy = "http://didit:secret-pass@127.0.0.1:" + std::to_string(nobody);
                  cfg.retry.initial_backoff = std::chrono::milliseconds{1};
                  cfg.retry.max_backoff = std::chrono::milliseconds{5};
              }};
    auto out = f.create();
    BOOST_TEST((out.ec == error::connect_failed));
    BOOST_TEST(out.diag.retries.size() == f.cfg.retry.max_attempts - 1);
    BOOST_TEST(out.diag.message.find("proxy 127.0.0.1:" + std::to_string(nobody)) !=
                   std::string::npos,
               out.diag.message);
    BOOST_TEST(out.diag.message.find("secret-pass") == std::string::npos);
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(tls_sessions_resume_behind_the_proxy) {
    squid_server squid{"didit", "proxy-pass-5"};
    fixture f{{}, [&](didit::config& cfg) {
                  cfg = as_v3(cfg);
                  cfg.proxy = squid.url();
                  cfg.keep_alive = false; // a new connection, and a new tunnel, per request
              }};
    for (std::size_t i = 0; i < 6; ++i)
        BOOST_TEST(!create_v3(f, 1)[0].ec);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.tls_handshakes == 6u);
    BOOST_TEST(seen.tls_resumptions == 5u);
    f.client.reset();
    squid.stop();
    BOOST_TEST(squid.tunnels_to(authority(f.emulator)) == 6u);
}

// What a real proxy rarely answers, from a scripted one.

namespace {

/// One v1 create through a proxy that answers CONNECT with `reply`.
outcome create_through(const std::string& reply, std::vector<std::string>* requests = nullptr) {
    didit::emulator::server emulator;
    scripted_proxy proxy{reply, emulator.port()};
    auto cfg = emulator.client_config();
    cfg.proxy = proxy.url();
    cfg.retry.initial_backoff = std::chrono::milliseconds{1};
    cfg.retry.max_backoff = std::chrono::milliseconds{5};
    asio::io_context io;
    didit::client client{io.get_executor(), cfg};
    outcome out;
    client.create_session({.callback = std::string{callback_url}}, out.diag,
                          [&out](didit::error_code ec, didit::session s) {
                              out.ec = ec;
                              out.session = std::move(s);
                              out.done = true;
                          });
    io.run();
    BOOST_TEST(out.done);
    if (requests != nullptr)
        *requests = proxy.requests();
    if (out.ec) // nothing reached the service (the proxy may have opened its side of a tunnel)
        BOOST_TEST(emulator.stats().create_session_requests + emulator.stats().token_requests ==
                   0u);
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_http10_answer_opens_the_tunnel_and_connect_names_the_origin) {
    std::vector<std::string> requests;
    auto out = create_through("HTTP/1.0 200 Connection established\r\n\r\n", &requests);
    BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    BOOST_REQUIRE(!requests.empty());
    BOOST_TEST(requests[0].starts_with("CONNECT localhost:"), requests[0]);
    // base64("tester:pass-word")
    BOOST_TEST(requests[0].find("\r\nProxy-Authorization: Basic dGVzdGVyOnBhc3Mtd29yZA==\r\n") !=
                   std::string::npos,
               requests[0]);
}

BOOST_AUTO_TEST_CASE(a_proxys_403_is_proxy_refused_and_not_repeated) {
    auto out = create_through("HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nForbidden");
    BOOST_TEST((out.ec == error::proxy_refused));
    BOOST_TEST(out.diag.message.find("403") != std::string::npos, out.diag.message);
    BOOST_TEST(out.diag.message.find("pass-word") == std::string::npos);
    BOOST_TEST(out.diag.retries.empty());
    BOOST_TEST(out.diag.http_status == 0);
}

BOOST_AUTO_TEST_CASE(a_proxys_503_is_repeated_like_a_failed_connect) {
    std::vector<std::string> requests;
    auto out = create_through("HTTP/1.1 503 Service Unavailable\r\n\r\n", &requests);
    BOOST_TEST((out.ec == error::proxy_refused));
    BOOST_TEST(out.diag.retries.size() == didit::retry_policy{}.max_attempts - 1);
    BOOST_TEST(requests.size() == didit::retry_policy{}.max_attempts);
}

BOOST_AUTO_TEST_CASE(bytes_after_the_proxys_answer_are_refused) {
    auto out = create_through("HTTP/1.1 200 OK\r\n\r\nnot the service's TLS");
    BOOST_TEST((out.ec == error::proxy_refused));
    BOOST_TEST(out.diag.message.find("after its answer") != std::string::npos, out.diag.message);
}

BOOST_AUTO_TEST_CASE(an_answer_that_is_not_http_is_refused) {
    auto out = create_through("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    BOOST_TEST((out.ec == error::proxy_refused));
    BOOST_TEST(out.diag.message.find("not HTTP") != std::string::npos, out.diag.message);
}
