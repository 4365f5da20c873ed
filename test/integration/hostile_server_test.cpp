// A hostile server: every kind of bytes a well-behaved service never sends ends the call with a
// clear error, within request_timeout, without reading more than the limits allow, and the
// client never follows a redirect.

#define BOOST_TEST_MODULE hostile servers
#include "support.hpp"

#include <didit/client.hpp>

#include <boost/test/unit_test.hpp>

using namespace didit_test;
using didit::error;
using kind = didit::emulator::fault::kind;

namespace {

struct hostile : fixture {
    hostile()
        : fixture({}, [](didit::config& cfg) {
              cfg = as_v3(cfg);
              cfg.retry = didit::retry_policy::none(); // one attempt: its own error
              cfg.request_timeout = std::chrono::milliseconds{1500};
              cfg.max_response_bytes = 256 * 1024;
          }) {}

    /// A decision request that meets `what`; its error, with the diagnostics in `diag`.
    didit::error_code decision_meeting(kind what) {
        emulator.inject({.what = what, .where = didit::emulator::endpoint::decision});
        didit::error_code ec;
        bool done = false;
        client->retrieve_decision("4f0c1c52-8d3e-4bb0-9d43-3a1cbe5f5a20", diag,
                                  [&](didit::error_code e, didit::decision) {
                                      ec = e;
                                      done = true;
                                  });
        run_until(io, [&] { return done; });
        return ec;
    }

    didit::diagnostics diag;
};

} // namespace

BOOST_FIXTURE_TEST_CASE(headers_trickling_in_end_at_the_request_timeout, hostile) {
    BOOST_TEST((decision_meeting(kind::trickle_headers) == error::request_timeout));
    BOOST_TEST(diag.message.find("request timeout") != std::string::npos, diag.message);
}

BOOST_FIXTURE_TEST_CASE(an_endless_chunked_body_stops_at_the_size_limit, hostile) {
    BOOST_TEST((decision_meeting(kind::endless_chunked_body) == error::response_too_large));
    BOOST_TEST(diag.http_status == 200);
}

BOOST_FIXTURE_TEST_CASE(ten_thousand_header_fields_exceed_the_header_limit, hostile) {
    BOOST_TEST((decision_meeting(kind::many_header_fields) == error::response_too_large));
    BOOST_TEST(diag.message.find("size limit") != std::string::npos, diag.message);
}

BOOST_FIXTURE_TEST_CASE(a_header_line_over_the_limit_is_refused, hostile) {
    BOOST_TEST((decision_meeting(kind::oversized_header_line) == error::response_too_large));
}

BOOST_FIXTURE_TEST_CASE(a_content_length_over_the_limit_is_refused_before_the_body, hostile) {
    BOOST_TEST((decision_meeting(kind::oversized_content_length) == error::response_too_large));
    BOOST_TEST(diag.http_status == 200);
}

BOOST_FIXTURE_TEST_CASE(an_http10_body_without_length_that_never_ends_times_out, hostile) {
    BOOST_TEST((decision_meeting(kind::unsized_http10_body) == error::request_timeout));
}

BOOST_FIXTURE_TEST_CASE(a_bad_chunk_size_is_an_invalid_response, hostile) {
    BOOST_TEST((decision_meeting(kind::bad_chunk_size) == error::invalid_response));
    BOOST_TEST(diag.message.find("not valid HTTP") != std::string::npos, diag.message);
}

BOOST_FIXTURE_TEST_CASE(a_redirect_is_not_followed_and_its_host_is_named, hostile) {
    BOOST_TEST((decision_meeting(kind::redirect) == error::unexpected_status));
    BOOST_TEST(diag.http_status == 301);
    BOOST_TEST(diag.message.find("elsewhere.example") != std::string::npos, diag.message);
    BOOST_TEST(emulator.stats().decision_requests == 1u);
    BOOST_TEST(emulator.stats().other_requests == 0u);
}

BOOST_FIXTURE_TEST_CASE(the_connection_is_usable_again_after_each_hostile_answer, hostile) {
    // Every hostile answer leaves the connection unusable: the client must drop it, and the
    // next call must go through on a fresh one.
    for (auto what : {kind::bad_chunk_size, kind::many_header_fields, kind::redirect}) {
        BOOST_TEST(!!decision_meeting(what));
        didit::error_code ec;
        bool done = false;
        client->create_workflow_session({.workflow_id = "11111111-2222-4333-8444-555555555555"},
                                        [&](didit::error_code e, didit::session) {
                                            ec = e;
                                            done = true;
                                        });
        run_until(io, [&] { return done; });
        BOOST_TEST(!ec, ec.message());
    }
}

BOOST_AUTO_TEST_CASE(a_redirected_create_is_not_resent_anywhere) {
    fixture f;
    f.emulator.inject({.what = kind::redirect,
                       .where = didit::emulator::endpoint::create_session,
                       .status = 308,
                       .location = "https://attacker.example:8443/collect"});
    auto out = f.create();
    BOOST_TEST((out.ec == error::unexpected_status));
    BOOST_TEST(out.diag.message.find("attacker.example") != std::string::npos, out.diag.message);
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
    BOOST_TEST(f.emulator.stats().sessions_created == 0u);
}
