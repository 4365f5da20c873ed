#define BOOST_TEST_MODULE standalone checks
#include "support.hpp"

#include <filesystem>
#include <fstream>
#include <tuple>

using namespace didit_test;
using didit::check_status;
using didit::error;
using didit::upload;

namespace {

namespace fs = std::filesystem;

fixture v3_fixture(didit::emulator::options opts = {},
                   const std::function<void(didit::config&)>& more = {}) {
    return fixture{std::move(opts), [more](didit::config& cfg) {
                       cfg = as_v3(cfg);
                       if (more)
                           more(cfg);
                   }};
}

struct check_outcome {
    didit::error_code ec;
    didit::check_result result;
    didit::diagnostics diag;
};

template <class Request> check_outcome run_check(fixture& f, const Request& request) {
    check_outcome out;
    std::vector<outcome> done(1);
    f.client->check(request, out.diag, [&](didit::error_code ec, didit::check_result result) {
        out.ec = ec;
        out.result = std::move(result);
        done[0].done = true;
    });
    f.run_until_done(done);
    return out;
}

didit::api_response run_call(fixture& f, std::string_view method, std::string_view path,
                             const didit::multipart_form& form, didit::error_code& ec,
                             didit::diagnostics& diag) {
    didit::api_response answer;
    std::vector<outcome> done(1);
    f.client->call(method, path, form, diag, [&](didit::error_code e, didit::api_response r) {
        ec = e;
        answer = std::move(r);
        done[0].done = true;
    });
    f.run_until_done(done);
    return answer;
}

/// A view of `bytes`, which must outlive the check that sends it.
upload image(std::string_view bytes) {
    return upload::from_memory(bytes, "face.jpg", "image/jpeg");
}

/// One image or document check, with its first file's content chosen by the test.
struct image_case {
    const char* name;
    std::size_t limit; ///< bytes its first file may have
    const char* decline;
    std::function<check_outcome(fixture&, std::string)> run;
};

std::vector<image_case> image_cases() {
    constexpr std::size_t mb = 1024 * 1024;
    return {
        {"id_verification", 5 * mb, "DOCUMENT_EXPIRED",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::id_verification_request{.front_image = image(bytes)});
         }},
        {"passive_liveness", 5 * mb, "LOW_LIVENESS_SCORE",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::passive_liveness_request{.user_image = image(bytes)});
         }},
        {"face_match", 5 * mb, "LOW_FACE_MATCH_SIMILARITY",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::face_match_request{.user_image = image(bytes),
                                                           .ref_image = image("portrait")});
         }},
        {"face_search", 5 * mb, "FACE_IN_BLOCKLIST",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::face_search_request{.user_image = image(bytes)});
         }},
        {"age_estimation", 5 * mb, "AGE_BELOW_MINIMUM",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::age_estimation_request{.user_image = image(bytes)});
         }},
        {"proof_of_address", 15 * mb, "POA_DOCUMENT_EXPIRED",
         [](fixture& f, std::string bytes) {
             return run_check(f, didit::proof_of_address_request{
                                     .document = upload::from_memory(bytes, "bill.pdf")});
         }},
        {"document_ai", 30 * mb, "NAME_MISMATCH",
         [](fixture& f, std::string bytes) {
             didit::document_ai_request request{
                 .document = upload::from_memory(bytes, "invoice.pdf"),
                 .fields = {{.key = "invoice_total", .name = "Total", .type = "number"}}};
             return run_check(f, request);
         }},
    };
}

/// The JSON checks, each with an input that is approved (or sent) and one that is not.
struct json_case {
    const char* name;
    check_status good;
    check_status bad;
    std::function<check_outcome(fixture&, bool good)> run;
};

std::vector<json_case> json_cases() {
    return {
        {"aml", check_status::approved, check_status::declined,
         [](fixture& f, bool good) {
             return run_check(
                 f, didit::aml_request{.full_name = good ? "Ana Garcia" : "Ivan Sanctioned"});
         }},
        {"database_validation", check_status::approved, check_status::declined,
         [](fixture& f, bool good) {
             didit::database_validation_request request{
                 .issuing_state = "ESP",
                 .identity = {{"document_number", good ? "12345678Z" : "00000000T"}}};
             return run_check(f, request);
         }},
        {"email_send", check_status::success, check_status::undeliverable,
         [](fixture& f, bool good) {
             return run_check(f, didit::email_send_request{
                                     .email = good ? "ana@example.com" : "ana@undeliverable.test"});
         }},
        {"phone_send", check_status::success, check_status::blocked,
         [](fixture& f, bool good) {
             return run_check(f, didit::phone_send_request{.phone_number = good ? "+34600000001"
                                                                                : "+34600000000"});
         }},
    };
}

/// Binary content meant to trip a naive multipart parser: every byte value, CR LF, and the
/// start of the client's boundaries.
std::string tricky_bytes() {
    std::string bytes = "\r\n--didit-\r\n--\r\n\r\n--didit-0123456789abcdef\r\n";
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    bytes += "\r\n--";
    return bytes;
}

} // namespace

BOOST_AUTO_TEST_SUITE(image_and_document_checks)

BOOST_AUTO_TEST_CASE(each_is_approved_declined_by_magic_value_and_refused_when_too_large) {
    for (const auto& c : image_cases()) {
        BOOST_TEST_CONTEXT(c.name) {
            auto f = v3_fixture();
            auto approved = c.run(f, "JPEG an ordinary picture");
            BOOST_TEST(!approved.ec, approved.ec.message() + " " + approved.diag.detail);
            BOOST_TEST((approved.result.status == check_status::approved));
            BOOST_TEST(approved.result.status_text == "Approved");
            BOOST_TEST(!approved.result.request_id.empty());
            BOOST_TEST(approved.result.warnings.empty());
            BOOST_TEST(approved.result.feature.is_object());

            auto declined = c.run(f, "DECLINE this one");
            BOOST_TEST(!declined.ec, declined.ec.message());
            BOOST_TEST((declined.result.status == check_status::declined));
            BOOST_REQUIRE(!declined.result.warnings.empty());
            BOOST_TEST(declined.result.warnings[0].risk == c.decline);
            BOOST_TEST(f.emulator.stats().checks_charged == 2u);

            // Over the limit: refused by the client, naming the field; nothing is sent.
            auto before = f.emulator.stats();
            auto too_large = c.run(f, std::string(c.limit + 1, 'x'));
            BOOST_TEST((too_large.ec == error::invalid_request));
            BOOST_TEST(too_large.diag.message.find("field '") != std::string::npos,
                       too_large.diag.message);
            BOOST_TEST(too_large.diag.attempts == 0u);
            BOOST_TEST(f.emulator.stats().check_requests == before.check_requests);
            BOOST_TEST(f.emulator.stats().connections_accepted == before.connections_accepted);

            // Exactly at the limit is sent.
            auto at_limit = c.run(f, std::string(c.limit, 'x'));
            BOOST_TEST(!at_limit.ec, at_limit.ec.message() + " " + at_limit.diag.detail + " " +
                                         at_limit.diag.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(face_match_reports_its_score_and_the_reasons_magic_values_give) {
    auto f = v3_fixture();
    auto low = run_check(f, didit::face_match_request{.user_image = image("DECLINE"),
                                                      .ref_image = image("portrait")});
    BOOST_REQUIRE(!low.ec);
    BOOST_TEST(low.result.score.value_or(100) < 30.0);
    BOOST_TEST(low.result.warnings[0].log_type == "error");
    auto no_face = run_check(f, didit::passive_liveness_request{.user_image = image("NOFACE")});
    BOOST_REQUIRE(!no_face.ec);
    BOOST_TEST((no_face.result.status == check_status::declined));
    BOOST_TEST(no_face.result.warnings[0].risk == "NO_FACE_DETECTED");
    BOOST_TEST(!no_face.result.score.has_value()); // null: nothing to score
    auto review = run_check(f, didit::id_verification_request{.front_image = image("REVIEW")});
    BOOST_REQUIRE(!review.ec);
    BOOST_TEST((review.result.status == check_status::in_review));
    BOOST_TEST(review.result.document_type == "Identity Card");
    auto age = run_check(f, didit::age_estimation_request{.user_image = image("JPEG")});
    BOOST_REQUIRE(!age.ec);
    BOOST_TEST(age.result.age.value_or(0) > 18.0);
}

BOOST_AUTO_TEST_CASE(
    a_missing_file_is_refused_before_sending_and_the_service_names_a_missing_part) {
    auto f = v3_fixture();
    auto missing =
        run_check(f, didit::face_match_request{.user_image = image("JPEG"), .ref_image = {}});
    BOOST_TEST((missing.ec == error::invalid_request));
    BOOST_TEST(missing.diag.message.find("ref_image") != std::string::npos, missing.diag.message);
    BOOST_TEST(f.emulator.stats().check_requests == 0u);

    // Through call(), the service itself answers 400 naming the part.
    didit::multipart_form form;
    form.file("user_image", image("JPEG"));
    didit::error_code ec;
    didit::diagnostics diag;
    run_call(f, "POST", "/v3/face-match/", form, ec, diag);
    BOOST_TEST((ec == error::bad_request));
    BOOST_TEST(diag.http_status == 400);
    BOOST_TEST(diag.detail.find("ref_image") != std::string::npos, diag.detail);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(json_checks)

BOOST_AUTO_TEST_CASE(each_answers_its_verdict_by_magic_value) {
    for (const auto& c : json_cases()) {
        BOOST_TEST_CONTEXT(c.name) {
            auto f = v3_fixture();
            auto good = c.run(f, true);
            BOOST_TEST(!good.ec, good.ec.message() + " " + good.diag.detail);
            BOOST_TEST((good.result.status == c.good), good.result.status_text);
            BOOST_TEST(!good.result.request_id.empty());
            auto bad = c.run(f, false);
            BOOST_TEST(!bad.ec, bad.ec.message());
            BOOST_TEST((bad.result.status == c.bad), bad.result.status_text);
        }
    }
}

BOOST_AUTO_TEST_CASE(aml_reports_hits_and_a_possible_match_goes_to_review) {
    auto f = v3_fixture();
    auto hit = run_check(f, didit::aml_request{.full_name = "Ivan Sanctioned"});
    BOOST_REQUIRE(!hit.ec);
    BOOST_TEST(hit.result.total.value_or(0) == 1u);
    BOOST_TEST(hit.result.score.value_or(0) == 100.0);
    BOOST_TEST(hit.result.warnings[0].risk == "POSSIBLE_MATCH_FOUND");
    auto review = run_check(f, didit::aml_request{.full_name = "Rita Review"});
    BOOST_REQUIRE(!review.ec);
    BOOST_TEST((review.result.status == check_status::in_review));
    auto empty = run_check(f, didit::aml_request{.full_name = ""});
    BOOST_TEST((empty.ec == error::invalid_request));
    BOOST_TEST(empty.diag.message.find("full_name") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_email_code_is_approved_and_three_wrong_codes_decline) {
    auto f = v3_fixture();
    const std::string email = "ana@example.com";
    auto nothing = run_check(f, didit::email_check_request{.email = email, .code = "123456"});
    BOOST_REQUIRE(!nothing.ec);
    BOOST_TEST((nothing.result.status == check_status::expired_or_not_found));
    BOOST_REQUIRE(!run_check(f, didit::email_send_request{.email = email}).ec);
    auto right = run_check(f, didit::email_check_request{.email = email, .code = "123456"});
    BOOST_REQUIRE(!right.ec);
    BOOST_TEST((right.result.status == check_status::approved));
    BOOST_REQUIRE(!run_check(f, didit::email_send_request{.email = email}).ec);
    std::vector<check_status> seen;
    for (int i = 0; i < 3; ++i)
        seen.push_back(run_check(f, didit::email_check_request{.email = email, .code = "000000"})
                           .result.status);
    BOOST_TEST(
        (seen == std::vector{check_status::failed, check_status::failed, check_status::declined}));
}

BOOST_AUTO_TEST_CASE(a_phone_code_is_approved_with_the_carrier) {
    auto f = v3_fixture();
    const std::string phone = "+34600000001";
    BOOST_REQUIRE(!run_check(f, didit::phone_send_request{.phone_number = phone}).ec);
    auto right = run_check(f, didit::phone_check_request{.phone_number = phone, .code = "123456"});
    BOOST_REQUIRE(!right.ec);
    BOOST_TEST((right.result.status == check_status::approved));
    BOOST_TEST(right.result.body.at("phone").at("carrier").at("name").as_string() == "Emulated");
}

BOOST_AUTO_TEST_CASE(both_database_validation_shapes_are_read) {
    auto f = v3_fixture();
    // The current reference: a form, answered at the top level.
    auto form =
        run_check(f, didit::database_validation_request{
                         .issuing_state = "ESP", .identity = {{"document_number", "12345678Z"}}});
    BOOST_REQUIRE(!form.ec);
    BOOST_TEST(form.result.match_type == "full_match");
    // The skill document: JSON in, the result under `database_validation`.
    didit::error_code ec;
    didit::diagnostics diag;
    didit::api_response answer;
    std::vector<outcome> done(1);
    f.client->call("POST", "/v3/database-validation/",
                   boost::json::value{{"id_number", "00000000T"}, {"issuing_state", "ESP"}}, diag,
                   [&](didit::error_code e, didit::api_response r) {
                       ec = e;
                       answer = std::move(r);
                       done[0].done = true;
                   });
    f.run_until_done(done);
    BOOST_REQUIRE(!ec);
    BOOST_TEST(answer.body.at("database_validation").at("match_type").as_string() == "no_match");
}

BOOST_AUTO_TEST_CASE(vendor_data_and_metadata_travel_with_a_check) {
    auto f = v3_fixture();
    auto form =
        run_check(f, didit::passive_liveness_request{
                         .user_image = image("JPEG"),
                         .options = {.vendor_data = "v-7", .metadata = R"({"plan":"gold"})"}});
    BOOST_REQUIRE(!form.ec);
    BOOST_TEST(form.result.body.at("vendor_data").as_string() == "v-7");
    BOOST_TEST(form.result.body.at("metadata").at("plan").as_string() == "gold");
    auto json_body =
        run_check(f, didit::aml_request{.full_name = "Ana Garcia",
                                        .options = {.metadata = R"({"plan":"gold"})"}});
    BOOST_REQUIRE(!json_body.ec);
    BOOST_TEST(json_body.result.body.at("metadata").at("plan").as_string() == "gold");
    auto bad =
        run_check(f, didit::aml_request{.full_name = "Ana Garcia", .options = {.metadata = "[1]"}});
    BOOST_TEST((bad.ec == error::invalid_request));
    BOOST_TEST(bad.diag.message.find("metadata") != std::string::npos, bad.diag.message);
    BOOST_TEST(f.emulator.stats().check_requests == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(billing_and_outages)

BOOST_AUTO_TEST_CASE(no_balance_is_403_or_402_for_every_check_and_nothing_is_charged) {
    using state = didit::emulator::account_state;
    for (auto [account, expected, status] :
         {std::tuple{state::no_credits, error::forbidden, 403},
          std::tuple{state::payment_failed, error::payment_required, 402}}) {
        auto f = v3_fixture();
        f.emulator.set_account_state(account);
        for (const auto& c : image_cases()) {
            auto out = c.run(f, "JPEG");
            BOOST_TEST((out.ec == expected), c.name);
            BOOST_TEST(out.diag.http_status == status);
            BOOST_TEST(out.diag.attempts == 1u); // never retried
        }
        for (const auto& c : json_cases()) {
            auto out = c.run(f, true);
            BOOST_TEST((out.ec == expected), c.name);
            BOOST_TEST(out.diag.code ==
                       (status == 403 ? "insufficient_credits" : "payment_required"));
        }
        BOOST_TEST(f.emulator.stats().checks_charged == 0u);
    }
}

BOOST_AUTO_TEST_CASE(a_provider_outage_is_502_with_its_code) {
    auto f = v3_fixture({}, [](didit::config& cfg) { cfg.retry = didit::retry_policy::none(); });
    f.emulator.set_provider_outage("phone", true);
    auto out = run_check(f, didit::phone_send_request{.phone_number = "+34600000001"});
    BOOST_TEST(out.diag.http_status == 502);
    BOOST_TEST(out.diag.code == "phone_provider_unavailable");
    f.emulator.set_provider_outage("phone", false);
    BOOST_TEST(!run_check(f, didit::phone_send_request{.phone_number = "+34600000001"}).ec);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retries_and_timeouts)

BOOST_AUTO_TEST_CASE(an_aml_screening_is_retried_under_one_idempotency_key_and_charged_once) {
    auto f = v3_fixture();
    f.emulator.inject({.what = didit::emulator::fault::kind::drop_after_processing,
                       .where = didit::emulator::endpoint::standalone_check});
    auto out = run_check(f, didit::aml_request{.full_name = "Ana Garcia"});
    BOOST_TEST(!out.ec, out.ec.message() + " " + out.diag.message);
    BOOST_TEST(out.diag.attempts == 2u);
    auto seen = f.emulator.stats();
    BOOST_TEST(seen.check_requests == 2u);
    BOOST_TEST(seen.checks_charged == 1u); // the repeat was answered from the service's store
}

BOOST_AUTO_TEST_CASE(an_image_check_that_may_have_run_is_never_sent_twice) {
    auto f = v3_fixture();
    f.emulator.inject({.what = didit::emulator::fault::kind::drop_after_processing,
                       .where = didit::emulator::endpoint::standalone_check});
    auto out = run_check(
        f, didit::face_match_request{.user_image = image("JPEG"), .ref_image = image("JPEG")});
    BOOST_TEST((out.ec == error::outcome_unknown));
    BOOST_TEST(f.emulator.stats().check_requests == 1u);
}

BOOST_AUTO_TEST_CASE(long_checks_run_under_check_timeout_and_code_checks_under_request_timeout) {
    auto f = v3_fixture({}, [](didit::config& cfg) {
        cfg.request_timeout = std::chrono::milliseconds{300};
        cfg.check_timeout = std::chrono::seconds{20};
        cfg.retry = didit::retry_policy::none();
    });
    for (int i = 0; i < 2; ++i)
        f.emulator.inject({.what = didit::emulator::fault::kind::delay,
                           .where = didit::emulator::endpoint::standalone_check,
                           .delay = std::chrono::milliseconds{1000}});
    auto poa = run_check(
        f, didit::proof_of_address_request{.document = upload::from_memory("PDF", "bill.pdf")});
    BOOST_TEST(!poa.ec, poa.ec.message());
    auto code = run_check(f, didit::email_send_request{.email = "ana@example.com"});
    BOOST_TEST((code.ec == error::request_timeout || code.ec == error::outcome_unknown),
               code.ec.message());
}

BOOST_AUTO_TEST_CASE(a_v1_client_is_told_the_checks_are_v3) {
    fixture f;
    auto out = run_check(f, didit::aml_request{.full_name = "Ana Garcia"});
    BOOST_TEST((out.ec == error::unsupported_operation));
    BOOST_TEST(f.emulator.stats().check_requests == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(multipart)

BOOST_AUTO_TEST_CASE(binary_files_from_memory_and_disk_arrive_intact_with_escaped_names) {
    auto f = v3_fixture();
    auto bytes = tricky_bytes();
    auto dir = fs::temp_directory_path() / ("didit-form-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto path = dir / "ref \"portrait\".jpg";
    std::ofstream{path, std::ios::binary} << bytes + "from disk";

    didit::multipart_form form;
    form.field("vendor_data", "line one\r\nline two \"quoted\" ñ");
    form.file("user_image", upload::from_memory(bytes, "na\"me\r\nX-Evil: 1.jpg", "image/jpeg"));
    form.file("ref_image", upload::from_path(path.string()));
    didit::error_code ec;
    didit::diagnostics diag;
    auto answer = run_call(f, "POST", "/v3/face-match/", form, ec, diag);
    fs::remove_all(dir);
    BOOST_REQUIRE_MESSAGE(!ec, ec.message() + " " + diag.detail + " " + diag.message);
    BOOST_TEST(answer.body.at("face_match").at("status").as_string() == "Approved");

    auto forms = f.emulator.received_forms();
    BOOST_REQUIRE(forms.size() == 1u);
    const auto& parts = forms[0];
    BOOST_REQUIRE(parts.size() == 3u);
    BOOST_TEST(parts[0].name == "vendor_data");
    BOOST_TEST(!parts[0].file_name.has_value());
    BOOST_TEST(parts[0].content == "line one\r\nline two \"quoted\" ñ");
    BOOST_TEST(parts[1].name == "user_image");
    BOOST_TEST(parts[1].file_name.value_or("") == "na%22me%0D%0AX-Evil: 1.jpg");
    BOOST_TEST(parts[1].content_type == "image/jpeg");
    BOOST_TEST(parts[1].content == bytes);
    BOOST_TEST(parts[1].sha256 == sha256_hex(bytes));
    BOOST_TEST(parts[2].name == "ref_image");
    BOOST_TEST(parts[2].file_name.value_or("") == "ref %22portrait%22.jpg");
    BOOST_TEST(parts[2].content_type == "image/jpeg"); // from the extension
    BOOST_TEST(parts[2].content == bytes + "from disk");
}

BOOST_AUTO_TEST_CASE(a_file_that_changes_size_before_it_is_sent_fails_the_call_unprocessed) {
    auto f = v3_fixture();
    auto path = fs::temp_directory_path() / ("didit-shrinks-" + std::to_string(::getpid()));
    std::ofstream{path, std::ios::binary} << std::string(100'000, 'x');
    auto path_text = path.string();
    didit::multipart_form form;
    form.file("document", upload::from_path(path_text));
    didit::error_code ec;
    didit::diagnostics diag;
    std::vector<outcome> done(1);
    // Sized when the call starts; it shrinks before the client gets to send it.
    f.client->call("POST", "/v3/poa/", form, diag, [&](didit::error_code e, didit::api_response) {
        ec = e;
        done[0].done = true;
    });
    std::ofstream{path, std::ios::binary | std::ios::trunc} << "short";
    f.run_until_done(done);
    fs::remove(path);
    BOOST_TEST((ec == error::invalid_request), ec.message());
    BOOST_TEST(diag.message.find("'document'") != std::string::npos, diag.message);
    BOOST_TEST(diag.attempts == 1u);                     // not repeated
    BOOST_TEST(f.emulator.stats().check_requests == 0u); // half a request: nothing processed
    auto next = run_check(f, didit::aml_request{.full_name = "Ana Garcia"});
    BOOST_TEST(!next.ec); // the broken connection was dropped, not reused
}

BOOST_AUTO_TEST_CASE(a_file_that_cannot_be_read_is_refused_naming_its_field) {
    auto f = v3_fixture();
    didit::multipart_form form;
    form.file("document", upload::from_path("/nonexistent/bill.pdf"));
    didit::error_code ec;
    didit::diagnostics diag;
    run_call(f, "POST", "/v3/poa/", form, ec, diag);
    BOOST_TEST((ec == error::invalid_request));
    BOOST_TEST(diag.message.find("'document'") != std::string::npos, diag.message);
    BOOST_TEST(f.emulator.stats().check_requests == 0u);
    didit::multipart_form with_get;
    with_get.field("a", "b");
    run_call(f, "GET", "/v3/users/", with_get, ec, diag);
    BOOST_TEST((ec == error::invalid_request));
}

BOOST_AUTO_TEST_SUITE_END()
