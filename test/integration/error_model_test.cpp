#define BOOST_TEST_MODULE error model
// The answers of today's service that carry more than a status (API reference §9): a stable
// `code` beside `detail`, 402 and 409, and error pages that are not JSON. Each through the
// emulator, over real TLS.
#include "support.hpp"

using namespace didit_test;
using didit::error;
using fault = didit::emulator::fault;

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

/// One v3 create (without vendor_data: not repeatable) against `f`'s emulator.
outcome create_v3_once(fixture& f) {
    std::vector<outcome> outs(1);
    f.client->create_workflow_session({.workflow_id = std::string{workflow}}, outs[0].diag,
                                      [&outs](didit::error_code ec, didit::session s) {
                                          outs[0].ec = ec;
                                          outs[0].session = std::move(s);
                                          outs[0].done = true;
                                      });
    f.run_until_done(outs);
    return outs[0];
}

void to_v3(didit::config& cfg) {
    cfg = as_v3(cfg);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_suspended_contract_is_forbidden_with_its_code_and_not_retried) {
    fixture f{{}, to_v3};
    f.emulator.set_account_state(didit::emulator::account_state::billing_suspended);
    auto out = create_v3_once(f);
    BOOST_TEST((out.ec == error::forbidden));
    BOOST_TEST(out.diag.http_status == 403);
    BOOST_TEST(out.diag.code == "contract_billing_suspended");
    BOOST_TEST(!out.diag.detail.empty());
    BOOST_TEST(out.diag.attempts == 1u);
    BOOST_TEST(f.emulator.stats().sessions_created == 0u);
}

BOOST_AUTO_TEST_CASE(a_deleted_application_is_unauthorized_with_its_code) {
    fixture f{{}, to_v3};
    f.emulator.set_account_state(didit::emulator::account_state::application_deleted);
    auto out = create_v3_once(f);
    BOOST_TEST((out.ec == error::unauthorized));
    BOOST_TEST(out.diag.code == "application_deleted");
    BOOST_TEST(out.diag.attempts == 1u);
}

BOOST_AUTO_TEST_CASE(payment_required_is_its_own_error_and_never_retried) {
    fixture f{{}, to_v3};
    f.emulator.inject({.what = fault::kind::respond,
                       .times = 5,
                       .status = 402,
                       .body = R"({"detail":"Insufficient credits."})"});
    auto out = create_v3_once(f);
    BOOST_TEST((out.ec == error::payment_required));
    BOOST_TEST(out.diag.http_status == 402);
    BOOST_TEST(out.diag.detail == "Insufficient credits.");
    BOOST_TEST(out.diag.attempts == 1u);
    BOOST_TEST(out.diag.retries.empty());
}

BOOST_AUTO_TEST_CASE(a_conflict_carries_its_code) {
    fixture f{{}, to_v3};
    f.emulator.inject(
        {.what = fault::kind::respond,
         .status = 409,
         .body = R"({"detail":"This code cannot be sent again.","code":"code_not_resendable"})"});
    auto out = create_v3_once(f);
    BOOST_TEST((out.ec == error::conflict));
    BOOST_TEST(out.diag.code == "code_not_resendable");
    BOOST_TEST(out.diag.detail == "This code cannot be sent again.");
    BOOST_TEST(out.diag.attempts == 1u);
}

BOOST_AUTO_TEST_CASE(a_scope_refusal_and_an_allowlist_refusal_read_apart) {
    fixture f{{}, to_v3};
    f.emulator.inject({.what = fault::kind::respond,
                       .status = 403,
                       .body = R"({"detail":"API key lacks the sessions:write scope."})"});
    f.emulator.inject({.what = fault::kind::respond,
                       .status = 403,
                       .body = R"({"detail":"Request IP is not in the API key's allowlist."})"});
    auto scope = create_v3_once(f);
    auto allowlist = create_v3_once(f);
    BOOST_TEST((scope.ec == error::forbidden));
    BOOST_TEST((allowlist.ec == error::forbidden));
    BOOST_TEST(scope.diag.detail.find("scope") != std::string::npos);
    BOOST_TEST(allowlist.diag.detail.find("allowlist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_500_without_json_shows_its_first_bytes_in_the_message) {
    fixture f{{}, to_v3};
    std::string page = "<html><body><h1>500 Internal Server Error</h1>\x1b[31m" +
                       std::string(4000, 'x') + "</body></html>";
    f.emulator.inject({.what = fault::kind::respond, .status = 500, .body = page});
    auto out = create_v3_once(f);
    BOOST_TEST((out.ec == error::server_error)); // a create without vendor_data: not repeated
    BOOST_TEST(out.diag.http_status == 500);
    BOOST_TEST(out.diag.detail.empty());
    BOOST_TEST(out.diag.message.find("<html><body><h1>500 Internal Server Error</h1>") !=
                   std::string::npos,
               out.diag.message);
    BOOST_TEST(out.diag.message.find('\x1b') == std::string::npos);
    BOOST_TEST(out.diag.message.size() < 400u);

    f.emulator.inject({.what = fault::kind::respond, .status = 500, .body = ""});
    auto empty = create_v3_once(f);
    BOOST_TEST((empty.ec == error::server_error));
    BOOST_TEST(empty.diag.message.find("no body") != std::string::npos, empty.diag.message);
}
