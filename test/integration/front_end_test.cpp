#define BOOST_TEST_MODULE front_end
// What HTTPS front ends in production send, and the client must read as the answers they are:
// interim responses, folded fields, close-delimited bodies, a TLS 1.2-only server, a key
// update in the middle of a connection; and a TLS alert, which must end a call cleanly.
#include "support.hpp"

using namespace didit_test;
using didit::error;
using fault = didit::emulator::fault;
using didit::emulator::endpoint;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

outcome create_workflow(fixture& f, std::size_t n) {
    std::vector<outcome> outs(1);
    auto who = vendor(n);
    f.client->create_workflow_session({.workflow_id = std::string{workflow}, .vendor_data = who},
                                      outs[0].diag,
                                      [&out = outs[0]](didit::error_code ec, didit::session s) {
                                          out.ec = ec;
                                          out.session = std::move(s);
                                          out.done = true;
                                      });
    f.run_until_done(outs);
    return outs[0];
}

} // namespace

BOOST_AUTO_TEST_CASE(creates_answered_after_early_hints_give_their_sessions_once_each) {
    // A 103 before each 201: taking it for the answer would lose a created session (and invite
    // a duplicate), and leave the 201 to be read as the next call's answer.
    fixture f;
    f.emulator.inject({.what = fault::kind::early_hints, .times = 10});
    for (std::size_t i = 0; i < 10; ++i) {
        auto out = f.create(i);
        BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
        BOOST_TEST(!out.session.session_id.empty());
        BOOST_TEST(!out.session.url.empty());
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == 10u); // one request each
    BOOST_TEST(seen.sessions_created == 10u);
    BOOST_TEST(seen.connections_accepted == 1u); // nothing was left behind on the connection
}

BOOST_AUTO_TEST_CASE(a_token_answered_after_early_hints_is_taken) {
    fixture f;
    f.emulator.inject({.what = fault::kind::early_hints, .where = endpoint::token});
    auto out = f.create();
    BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    BOOST_TEST(f.emulator.stats().token_requests == 1u);
    BOOST_TEST(f.emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_CASE(a_folded_header_field_is_accepted) {
    // RFC 9112 5.2: a user agent must accept obs-fold in a response.
    fixture f;
    f.emulator.inject({.what = fault::kind::folded_header, .times = 5});
    for (std::size_t i = 0; i < 5; ++i) {
        auto out = f.create(i);
        BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.sessions_created == 5u);
    BOOST_TEST(seen.connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(close_notify_ends_a_close_delimited_body) {
    // An answer without a length ends where the server closes the connection; close_notify
    // says the body is whole, so the session counts and the next call connects again.
    fixture f;
    f.emulator.inject({.what = fault::kind::close_delimited_body});
    auto out = f.create(0);
    BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    BOOST_TEST(!out.session.session_id.empty());
    BOOST_TEST(!f.create(1).ec);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.create_session_requests == 2u);
    BOOST_TEST(seen.connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(a_key_update_in_the_middle_of_a_kept_alive_connection) {
    fixture f;
    BOOST_TEST(!f.create(0).ec);
    f.emulator.inject({.what = fault::kind::key_update, .times = 3});
    for (std::size_t i = 1; i < 5; ++i) {
        auto out = f.create(i);
        BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.sessions_created == 5u);
    BOOST_TEST(seen.connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(a_tls12_only_server_works_and_resumes) {
    didit::emulator::options opts;
    opts.tls12_only = true;
    fixture f{opts, [](didit::config& cfg) { cfg.keep_alive = false; }}; // a handshake a call
    for (std::size_t i = 0; i < 5; ++i) {
        auto out = f.create(i);
        BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    }
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.sessions_created == 5u);
    BOOST_TEST(seen.tls_handshakes == 6u);  // the token's connection, then one per create
    BOOST_TEST(seen.tls_resumptions == 5u); // all but the first
}

BOOST_AUTO_TEST_CASE(a_tls_alert_ends_a_create_that_may_have_arrived_as_outcome_unknown) {
    // The alert comes after the request left: the client cannot tell whether it took effect,
    // so a create that is not safe to repeat is not repeated.
    fixture f;
    f.emulator.inject({.what = fault::kind::tls_alert});
    auto out = f.create(0);
    BOOST_TEST((out.ec == error::outcome_unknown), out.ec.message());
    BOOST_TEST(!out.diag.message.empty());
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
    BOOST_TEST(!f.create(1).ec); // on a new connection
    BOOST_TEST(f.emulator.stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(a_tls_alert_before_a_repeatable_create_is_retried) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    f.emulator.inject({.what = fault::kind::tls_alert});
    auto out = create_workflow(f, 0);
    BOOST_TEST(!out.ec, out.ec.message() << ": " << out.diag.message);
    BOOST_TEST(out.diag.attempts == 2u);
    BOOST_TEST(f.emulator.stats().sessions_created == 1u);
}
