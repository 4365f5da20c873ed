#define BOOST_TEST_MODULE v3 generation
#include "support.hpp"

using namespace didit_test;
using didit::error;

namespace didit_test_v3 {

outcome create_workflow(fixture& f, const didit::workflow_session_request& request) {
    std::vector<outcome> outs(1);
    f.client->create_workflow_session(request, outs[0].diag,
                                      [&](didit::error_code ec, didit::session s) {
                                          outs[0].ec = ec;
                                          outs[0].session = std::move(s);
                                          outs[0].done = true;
                                      });
    f.run_until_done(outs);
    return outs[0];
}

} // namespace didit_test_v3

namespace {

constexpr std::string_view workflow = "11111111-2222-3333-4444-555555555555";

struct v3_fixture : fixture {
    explicit v3_fixture(const std::function<void(didit::config&)>& adjust = {})
        : fixture({}, [&](didit::config& cfg) {
              cfg = as_v3(cfg);
              if (adjust)
                  adjust(cfg);
          }) {}

    outcome create_workflow(const didit::workflow_session_request& request) {
        return didit_test_v3::create_workflow(*this, request);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(creates_a_workflow_session_with_the_api_key_only) {
    v3_fixture f;
    auto out = f.create_workflow({.workflow_id = workflow, .vendor_data = "user-1"});
    BOOST_TEST(!out.ec, out.ec.message() + " " + out.diag.detail);
    BOOST_TEST(out.session.session_id.size() == 36u);
    BOOST_TEST(out.session.session_number.has_value());
    BOOST_TEST(out.session.status == "Not Started");
    BOOST_TEST(out.session.workflow_id == workflow);
    BOOST_TEST(out.session.vendor_data == "user-1");
    BOOST_TEST(out.session.callback.empty()); // null: none was given
    BOOST_TEST(out.session.metadata.is_null());
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.token_requests == 0u);
    BOOST_TEST(seen.requests_with_api_key == 1u);
    BOOST_TEST(seen.requests_with_authorization == 0u);
    BOOST_TEST(f.client->stats().token_requests == 0u);
}

BOOST_AUTO_TEST_CASE(every_optional_field_is_accepted_by_the_service) {
    v3_fixture f;
    auto out = f.create_workflow({
        .workflow_id = workflow,
        .vendor_data = "user-2",
        .callback = "https://example.com/kyc/done",
        .callback_method = didit::callback_method::both,
        .metadata = R"({"plan":"pro","seats":3})",
        .language = "pt-BR",
        .contact_details = didit::contact_details{.email = "a@example.com",
                                                  .send_notification_emails = true,
                                                  .phone = "+14155550100"},
        .expected_details = didit::expected_details{.first_name = "José",
                                                    .gender = "M",
                                                    .nationality = "ESP",
                                                    .expected_document_types = {"P", "ID"}},
        .portrait_image = "aGVsbG8=",
    });
    BOOST_TEST(!out.ec, out.ec.message() + " " + out.diag.detail);
    // The result echoes what the service kept.
    BOOST_TEST(out.session.vendor_data == "user-2");
    BOOST_TEST(out.session.callback == "https://example.com/kyc/done");
    BOOST_TEST(out.session.metadata.at("plan").as_string() == "pro");
    BOOST_TEST(out.session.metadata.at("seats").as_int64() == 3);
    BOOST_TEST(out.session.workflow_version.value_or(0) == 1);
    BOOST_TEST(out.session.session_kind == "user");
}

BOOST_AUTO_TEST_CASE(a_request_larger_than_the_socket_takes_at_once_arrives_whole) {
    // A portrait of about 1 MB: more than a socket takes without waiting, so the request's last
    // records wait for the socket to drain. The service reads the whole JSON body or refuses
    // it, and the connection carries the next call.
    v3_fixture f;
    std::string portrait(1'300'000, 'A'); // base64 of 975,000 zero bytes
    for (int call = 0; call < 2; ++call) {
        auto out = f.create_workflow(
            {.workflow_id = workflow, .vendor_data = "user-3", .portrait_image = portrait});
        BOOST_TEST(!out.ec, out.ec.message() + " " + out.diag.detail);
        BOOST_TEST(out.session.vendor_data == "user-3");
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(the_v1_client_never_sends_an_api_key) {
    fixture f;
    BOOST_TEST(!f.create().ec);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.requests_with_api_key == 0u);
    BOOST_TEST(seen.requests_with_authorization == 2u); // Basic for the token, then Bearer
}

BOOST_AUTO_TEST_CASE(operations_of_the_other_generation_fail_before_any_traffic) {
    v3_fixture v3;
    auto v1_call = v3.create();
    BOOST_TEST((v1_call.ec == error::unsupported_operation));
    BOOST_TEST(v1_call.diag.message.find("v1") != std::string::npos);

    fixture v1;
    auto v3_call = didit_test_v3::create_workflow(v1, {.workflow_id = workflow});
    BOOST_TEST((v3_call.ec == error::unsupported_operation));
    BOOST_TEST(v3.emulator.stats().connections_accepted == 0u);
    BOOST_TEST(v1.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(requests_the_api_would_reject_fail_before_any_traffic) {
    v3_fixture f;
    struct {
        didit::workflow_session_request request;
        const char* field;
    } cases[] = {
        {{.workflow_id = ""}, "workflow_id"},
        {{.workflow_id = workflow, .callback = "ftp://x"}, "callback"},
        {{.workflow_id = workflow, .metadata = "[1,2]"}, "metadata"},
        {{.workflow_id = workflow, .metadata = "{\"a\":"}, "metadata"},
        {{.workflow_id = workflow, .language = "english"}, "language"},
        {{.workflow_id = workflow, .expected_details = didit::expected_details{.gender = "X"}},
         "gender"},
    };
    for (const auto& c : cases) {
        auto out = f.create_workflow(c.request);
        BOOST_TEST_CONTEXT(c.field) {
            BOOST_TEST((out.ec == error::invalid_request));
            BOOST_TEST(out.diag.message.find(c.field) != std::string::npos, out.diag.message);
        }
    }
    BOOST_TEST(f.emulator.stats().connections_accepted == 0u);
}

BOOST_AUTO_TEST_CASE(server_validation_is_reported_per_field) {
    v3_fixture f;
    auto out = f.create_workflow({.workflow_id = "not-a-uuid"});
    BOOST_TEST((out.ec == error::bad_request));
    BOOST_TEST(out.diag.detail == "workflow_id: Must be a valid UUID.");
}

BOOST_AUTO_TEST_CASE(a_wrong_api_key_is_unauthorized_without_retry_or_echo) {
    v3_fixture f{[](didit::config& cfg) { cfg.api_key = "wrong-key-7f3a"; }};
    auto out = f.create_workflow({.workflow_id = workflow});
    BOOST_TEST((out.ec == error::unauthorized));
    BOOST_TEST(out.diag.http_status == 401);
    BOOST_TEST(out.diag.detail == "Invalid API key.");
    BOOST_TEST(f.emulator.stats().create_session_requests == 1u);
    for (const auto& text : {out.ec.message(), out.diag.detail, out.diag.message})
        BOOST_TEST(text.find("wrong-key-7f3a") == std::string::npos);
}
