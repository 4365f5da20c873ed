#define BOOST_TEST_MODULE malformed responses
#include "support.hpp"

using namespace didit_test;
using didit::error;
using fault = didit::emulator::fault;

namespace {

outcome create_against(const fault& misbehaviour,
                       const std::function<void(didit::config&)>& adjust = {}) {
    fixture f{{}, adjust};
    f.emulator.inject(misbehaviour);
    auto out = f.create();
    // Whatever the server did, the client stays usable.
    BOOST_TEST(!f.create(1).ec);
    return out;
}

fault respond_201(std::string body) {
    return {.what = fault::kind::respond, .status = 201, .body = std::move(body)};
}

} // namespace

// A create answered 2xx with a body that cannot be read has happened: the session may exist,
// so the call ends outcome_unknown and the diagnostics say what arrived.

BOOST_AUTO_TEST_CASE(a_non_json_body_after_a_create_is_outcome_unknown) {
    auto out = create_against({.what = fault::kind::non_json_body});
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(out.diag.http_status == 201);
    BOOST_TEST(out.diag.message.find("not valid JSON") != std::string::npos, out.diag.message);
    BOOST_TEST(out.diag.message.find("HTTP 201") != std::string::npos, out.diag.message);
}

BOOST_AUTO_TEST_CASE(a_truncated_body_is_outcome_unknown_for_a_create) {
    auto out = create_against({.what = fault::kind::truncated_body});
    BOOST_TEST((out.ec == error::outcome_unknown));
}

BOOST_AUTO_TEST_CASE(missing_fields_are_named) {
    auto out = create_against(respond_201(R"({"session_id":"abc","url":"https://x/y"})"));
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(out.diag.message.find("'session_token'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_types_are_named) {
    auto out = create_against(
        respond_201(R"({"session_id":{"nested":true},"session_token":"t","url":"u"})"));
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(out.diag.message.find("'session_id'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_body_is_outcome_unknown) {
    auto out = create_against(respond_201(""));
    BOOST_TEST((out.ec == error::outcome_unknown));
}

BOOST_AUTO_TEST_CASE(an_oversized_body_is_refused) {
    std::string huge =
        R"({"session_id":")" + std::string(200 * 1024, 'a') + R"(","session_token":"t","url":"u"})";
    auto out = create_against(respond_201(huge),
                              [](didit::config& cfg) { cfg.max_response_bytes = 64 * 1024; });
    BOOST_TEST((out.ec == error::outcome_unknown)); // a 201: the session was made
    BOOST_TEST(out.diag.message.find("size limit") != std::string::npos, out.diag.message);
    auto refused = create_against({.what = fault::kind::respond, .status = 400, .body = huge},
                                  [](didit::config& cfg) { cfg.max_response_bytes = 64 * 1024; });
    BOOST_TEST((refused.ec == error::bad_request)); // a 400 made nothing
    BOOST_TEST(refused.diag.http_status == 400);
}

BOOST_AUTO_TEST_CASE(deeply_nested_json_is_refused_without_crashing) {
    std::string deep(100000, '[');
    auto out = create_against(respond_201(deep));
    BOOST_TEST((out.ec == error::outcome_unknown));
}

BOOST_AUTO_TEST_CASE(an_unexpected_status_is_reported) {
    auto out = create_against({.what = fault::kind::respond, .status = 302, .body = ""});
    BOOST_TEST((out.ec == error::unexpected_status));
    BOOST_TEST(out.diag.http_status == 302);
}

BOOST_AUTO_TEST_CASE(server_text_with_control_characters_is_cleaned) {
    auto out = create_against({.what = fault::kind::respond,
                               .status = 500,
                               .body = "{\"detail\":\"boom\\r\\nX-Injected: 1\\u001b[2J\"}"});
    BOOST_TEST((out.ec == error::server_error));
    BOOST_TEST(out.diag.detail == "boomX-Injected: 1[2J");
}
