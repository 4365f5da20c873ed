// The emulator is as strict as the service where a client could go wrong: paths without their
// trailing slash, media types, the token's exp, v1 rules for v1 sessions, KYB rows, batch
// delete's numbers, languages and the details echoed in the decision. Requests our client
// never sends go over raw HTTPS; the rest through the client.

#define BOOST_TEST_MODULE emulator strictness
#include "raw_https.hpp"
#include "support.hpp"

#include <didit/client.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

namespace {

namespace http = boost::beast::http;
using namespace didit_test;

constexpr std::string_view json_type = "application/json";
const std::string workflow = "11111111-2222-4333-8444-555555555555";

std::string api_key() {
    return didit::emulator::options{}.api_key;
}

std::string basic_auth() {
    didit::emulator::options defaults;
    auto plain = defaults.client_id + ":" + defaults.client_secret;
    std::string encoded(4 * ((plain.size() + 2) / 3), '\0');
    EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                    reinterpret_cast<const unsigned char*>(plain.data()),
                    static_cast<int>(plain.size()));
    return "Basic " + encoded;
}

boost::json::object token_answer(const didit::emulator::server& emulator) {
    auto answer = raw::request(
        emulator, http::verb::post, "/auth/v2/token/",
        {{"Authorization", basic_auth()}, {"Content-Type", "application/x-www-form-urlencoded"}},
        "grant_type=client_credentials");
    BOOST_REQUIRE_EQUAL(answer.status, 200u);
    return boost::json::parse(answer.body).as_object();
}

std::string bearer(const didit::emulator::server& emulator) {
    return "Bearer " + std::string{token_answer(emulator).at("access_token").as_string()};
}

/// A v3 session made over raw HTTPS; its id.
std::string create_v3_raw(const didit::emulator::server& emulator, const std::string& body) {
    auto key = api_key();
    auto answer = raw::request(emulator, http::verb::post, "/v3/session/",
                               {{"x-api-key", key}, {"Content-Type", json_type}}, body);
    BOOST_REQUIRE_MESSAGE(answer.status == 201, answer.body);
    return std::string{boost::json::parse(answer.body).at("session_id").as_string()};
}

} // namespace

BOOST_AUTO_TEST_SUITE(paths)

BOOST_AUTO_TEST_CASE(the_list_without_its_slash_is_redirected_keeping_the_query) {
    didit::emulator::server emulator;
    auto key = api_key();
    auto answer =
        raw::request(emulator, http::verb::get, "/v3/sessions?limit=5", {{"x-api-key", key}});
    BOOST_TEST(answer.status == 301u);
    BOOST_TEST(answer.location.ends_with("/v3/sessions/?limit=5"), answer.location);
}

BOOST_AUTO_TEST_CASE(the_slashless_v3_pdf_is_redirected_every_other_slashless_path_is_not_found) {
    didit::emulator::server emulator;
    auto key = api_key();
    auto id = create_v3_raw(emulator, R"({"workflow_id":")" + workflow + R"("})");
    auto pdf = raw::request(emulator, http::verb::get, "/v3/session/" + id + "/generate-pdf",
                            {{"x-api-key", key}});
    BOOST_TEST(pdf.status == 301u);
    BOOST_TEST(pdf.location.ends_with("/v3/session/" + id + "/generate-pdf/"), pdf.location);
    BOOST_TEST(raw::request(emulator, http::verb::get, "/v3/session/" + id + "/decision",
                            {{"x-api-key", key}})
                   .status == 404u);
    BOOST_TEST(raw::request(emulator, http::verb::post, "/v3/session",
                            {{"x-api-key", key}, {"Content-Type", json_type}},
                            R"({"workflow_id":")" + workflow + R"("})")
                   .status == 404u);
    auto token = bearer(emulator);
    BOOST_TEST(raw::request(emulator, http::verb::get, "/v1/session/" + id + "/generate-pdf",
                            {{"Authorization", token}})
                   .status == 404u);
    BOOST_TEST(raw::request(emulator, http::verb::delete_, "/v3/session/" + id + "/delete",
                            {{"x-api-key", key}})
                   .status == 404u);
    BOOST_TEST(emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(media_types)

BOOST_AUTO_TEST_CASE(a_body_that_is_not_json_is_an_unsupported_media_type) {
    didit::emulator::server emulator;
    auto key = api_key();
    auto body = R"({"workflow_id":")" + workflow + R"("})";
    for (std::string_view type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
        auto answer = raw::request(emulator, http::verb::post, "/v3/session/",
                                   {{"x-api-key", key}, {"Content-Type", type}}, body);
        BOOST_TEST(answer.status == 415u, type);
        BOOST_TEST(answer.body.find("Unsupported media type") != std::string::npos);
    }
    auto with_charset = raw::request(
        emulator, http::verb::post, "/v3/session/",
        {{"x-api-key", key}, {"Content-Type", "Application/JSON; charset=utf-8"}}, body);
    BOOST_TEST(with_charset.status == 201u);
    BOOST_TEST(emulator.stats().sessions_created == 1u);
}

BOOST_AUTO_TEST_CASE(the_token_endpoint_takes_only_a_form) {
    didit::emulator::server emulator;
    auto answer = raw::request(emulator, http::verb::post, "/auth/v2/token/",
                               {{"Authorization", basic_auth()}, {"Content-Type", json_type}},
                               R"({"grant_type":"client_credentials"})");
    BOOST_TEST(answer.status == 400u);
    BOOST_TEST(answer.body.find("invalid_request") != std::string::npos);
    BOOST_TEST(emulator.stats().tokens_issued == 0u);
}

BOOST_AUTO_TEST_CASE(an_accept_header_the_answer_cannot_satisfy_is_not_acceptable) {
    didit::emulator::server emulator;
    auto key = api_key();
    auto id = create_v3_raw(emulator, R"({"workflow_id":")" + workflow + R"("})");
    auto decision = "/v3/session/" + id + "/decision/";
    BOOST_TEST(raw::request(emulator, http::verb::get, decision,
                            {{"x-api-key", key}, {"Accept", "text/html"}})
                   .status == 406u);
    BOOST_TEST(raw::request(emulator, http::verb::get, decision,
                            {{"x-api-key", key}, {"Accept", "application/json;q=0, text/*"}})
                   .status == 406u);
    BOOST_TEST(raw::request(emulator, http::verb::get, decision,
                            {{"x-api-key", key}, {"Accept", "text/html, application/*;q=0.5"}})
                   .status == 200u);
    BOOST_REQUIRE(emulator.finish_session(id, "Approved"));
    auto pdf = "/v3/session/" + id + "/generate-pdf/";
    BOOST_TEST(raw::request(emulator, http::verb::get, pdf,
                            {{"x-api-key", key}, {"Accept", "application/json"}})
                   .status == 406u);
    BOOST_TEST(raw::request(emulator, http::verb::get, pdf,
                            {{"x-api-key", key}, {"Accept", "application/pdf"}})
                   .status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(exp_may_disagree_with_expires_in_and_the_client_goes_by_expires_in) {
    didit::emulator::options options;
    options.token_exp_multiple = 10; // the reference's own example: 864000 against 86400
    fixture f{options};
    auto token = token_answer(f.emulator);
    auto lifetime = token.at("expires_in").as_int64();
    BOOST_TEST(token.at("exp").as_int64() - token.at("iat").as_int64() == 10 * lifetime);
    auto outs = f.create_concurrently(3);
    BOOST_TEST(count_succeeded(outs) == 3u);
    BOOST_TEST(f.emulator.stats().tokens_issued == 2u); // the raw one above and the client's
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(v3_rules)

BOOST_AUTO_TEST_CASE(batch_delete_takes_integers_or_digit_strings_and_nothing_else) {
    didit::emulator::server emulator;
    auto key = api_key();
    for (int i = 0; i < 3; ++i)
        create_v3_raw(emulator, R"({"workflow_id":")" + workflow + R"("})");
    auto batch = [&](std::string body) {
        return raw::request(emulator, http::verb::post, "/v3/sessions/delete/",
                            {{"x-api-key", key}, {"Content-Type", json_type}}, std::move(body));
    };
    for (auto refused : {R"({"session_numbers":["abc"]})", R"({"session_numbers":[1001.5]})",
                         R"({"session_numbers":[-1]})", R"({"session_numbers":[true]})",
                         R"({"session_numbers":[""]})", R"({"session_numbers":["10 01"]})",
                         R"({"session_numbers":[]})"}) {
        auto answer = batch(refused);
        BOOST_TEST(answer.status == 400u, refused);
        BOOST_TEST(answer.body.find("session_numbers") != std::string::npos);
    }
    auto by_number = batch(R"({"session_numbers":[1001]})");
    BOOST_TEST(by_number.status == 200u);
    BOOST_TEST(boost::json::parse(by_number.body).at("results").as_array().size() == 1u);
    BOOST_TEST(batch(R"({"session_numbers":["1002"]})").status == 200u);
    auto listed = raw::request(emulator, http::verb::get, "/v3/sessions/", {{"x-api-key", key}});
    auto rows = boost::json::parse(listed.body).at("results").as_array();
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_TEST(rows[0].at("session_number").as_int64() == 1003);
}

BOOST_AUTO_TEST_CASE(the_language_must_be_one_the_reference_lists) {
    didit::emulator::server emulator;
    auto key = api_key();
    auto create = [&](std::string_view language) {
        return raw::request(emulator, http::verb::post, "/v3/session/",
                            {{"x-api-key", key}, {"Content-Type", json_type}},
                            R"({"workflow_id":")" + workflow + R"(","language":")" +
                                std::string{language} + R"("})");
    };
    for (auto refused : {"xx", "EN", "pt-br", "english", "zh-HK"}) {
        auto answer = create(refused);
        BOOST_TEST(answer.status == 400u, refused);
        BOOST_TEST(answer.body.find("language") != std::string::npos);
    }
    for (auto accepted : {"en", "pt-BR", "zh-TW", "cnr", "zh"})
        BOOST_TEST(create(accepted).status == 201u, accepted);
}

BOOST_AUTO_TEST_CASE(the_decision_echoes_the_details_given_at_create) {
    fixture f{{}, [](didit::config& cfg) { cfg = as_v3(cfg); }};
    didit::error_code ec;
    bool done = false;
    didit::session created;
    f.client->create_workflow_session(
        {.workflow_id = workflow,
         .contact_details = didit::contact_details{.email = "person@example.com"},
         .expected_details = didit::expected_details{.first_name = "Ada", .last_name = "Lovelace"}},
        [&](didit::error_code e, didit::session s) {
            ec = e;
            created = std::move(s);
            done = true;
        });
    run_until(f.io, [&] { return done; });
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    done = false;
    didit::decision decision;
    f.client->retrieve_decision(created.session_id, [&](didit::error_code e, didit::decision d) {
        ec = e;
        decision = std::move(d);
        done = true;
    });
    run_until(f.io, [&] { return done; });
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    const auto& raw = decision.raw.as_object();
    BOOST_TEST(raw.at("contact_details").at("email").as_string() == "person@example.com");
    BOOST_TEST(raw.at("expected_details").at("first_name").as_string() == "Ada");
    BOOST_TEST(raw.at("expected_details").at("last_name").as_string() == "Lovelace");
}

BOOST_AUTO_TEST_CASE(business_sessions_list_apart_and_together_with_all) {
    didit::emulator::server emulator;
    auto key = api_key();
    const auto business_workflow = didit::emulator::options{}.business_workflow_id;
    create_v3_raw(emulator, R"({"workflow_id":")" + workflow + R"("})");
    create_v3_raw(emulator, R"({"workflow_id":")" + workflow + R"("})");
    auto kyb = create_v3_raw(emulator, R"({"workflow_id":")" + business_workflow + R"("})");
    auto list = [&](std::string query) {
        auto answer =
            raw::request(emulator, http::verb::get, "/v3/sessions/" + query, {{"x-api-key", key}});
        BOOST_REQUIRE_MESSAGE(answer.status == 200, answer.body);
        return boost::json::parse(answer.body).as_object();
    };
    auto users = list("");
    BOOST_TEST(users.at("count").as_int64() == 2);
    for (const auto& row : users.at("results").as_array())
        BOOST_TEST(row.at("session_kind").as_string() == "user");
    auto businesses = list("?session_kind=business");
    BOOST_TEST(businesses.at("count").as_int64() == 1);
    const auto& row = businesses.at("results").as_array().at(0).as_object();
    BOOST_TEST(row.at("session_id").as_string() == kyb);
    BOOST_TEST(row.at("session_kind").as_string() == "business");
    BOOST_TEST(row.contains("company_name"));
    BOOST_TEST(row.contains("workflow_type"));
    // A page of each kind side by side: with limit 1, two rows and a next page.
    auto all = list("?session_kind=all&limit=1");
    BOOST_TEST(all.at("count").as_int64() == 3);
    BOOST_TEST(all.at("results").as_array().size() == 2u);
    BOOST_TEST(all.at("next").is_string());
    auto second = list("?session_kind=all&limit=1&offset=1");
    BOOST_TEST(second.at("results").as_array().size() == 1u);
    BOOST_TEST(second.at("next").is_null());
    auto bad = raw::request(emulator, http::verb::get, "/v3/sessions/?session_kind=robots",
                            {{"x-api-key", key}});
    BOOST_TEST(bad.status == 400u);
}

BOOST_AUTO_TEST_SUITE_END()
