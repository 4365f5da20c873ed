#include "transport/exchange.hpp"
#include "wire/admin_codec.hpp"
#include "wire/json_text.hpp"
#include "wire/list_codec.hpp"
#include "wire/origin.hpp"
#include "wire/response_mapping.hpp"
#include "wire/v1_codec.hpp"
#include "wire/v3_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

using namespace didit;
using namespace didit::detail;

BOOST_AUTO_TEST_SUITE(features_names)

BOOST_AUTO_TEST_CASE(all_eight_combinations_round_trip) {
    const char* expected[] = {
        "OCR",        "OCR + NFC",        "OCR + AML",        "OCR + NFC + AML",
        "OCR + FACE", "OCR + NFC + FACE", "OCR + FACE + AML", "OCR + NFC + FACE + AML"};
    for (int i = 0; i < 8; ++i) {
        auto f = static_cast<features>(i);
        BOOST_TEST(to_string(f) == expected[i]);
        BOOST_TEST((parse_features(expected[i]) == f));
    }
}

BOOST_AUTO_TEST_CASE(other_spellings_are_rejected) {
    BOOST_TEST(!parse_features("OCR+NFC"));
    BOOST_TEST(!parse_features("ocr"));
    BOOST_TEST(!parse_features("NFC + OCR"));
    BOOST_TEST(!parse_features(""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(create_session_encoding)

BOOST_AUTO_TEST_CASE(body_has_exactly_the_given_fields) {
    auto body = create_session_body({.callback = "https://example.com/done",
                                     .features = features::ocr_nfc_face,
                                     .vendor_data = "user-1"});
    BOOST_TEST(
        body ==
        R"({"callback":"https://example.com/done","features":"OCR + NFC + FACE","vendor_data":"user-1"})");
    auto minimal = create_session_body({.callback = "https://example.com/done"});
    BOOST_TEST(minimal == R"({"callback":"https://example.com/done"})");
}

BOOST_AUTO_TEST_CASE(strings_are_escaped_into_valid_json) {
    std::string hostile = "a\"b\\c\nd\x01\xc3\xa9";
    auto body =
        create_session_body({.callback = "https://example.com/?q=\"x\"", .vendor_data = hostile});
    auto parsed = boost::json::parse(body);
    BOOST_TEST(parsed.at("vendor_data").as_string() == hostile);
    BOOST_TEST(parsed.at("callback").as_string() == "https://example.com/?q=\"x\"");
}

BOOST_AUTO_TEST_CASE(requests_the_api_would_reject_are_refused) {
    BOOST_TEST(check_session_request({.callback = ""}).find("callback") != std::string::npos);
    BOOST_TEST(!check_session_request({.callback = "ftp://example.com/x"}).empty());
    BOOST_TEST(!check_session_request({.callback = "example.com/done"}).empty());
    BOOST_TEST(!check_session_request({.callback = "https://"}).empty());
    BOOST_TEST(!check_session_request(
                    {.callback = "https://example.com", .features = static_cast<features>(8)})
                    .empty());
    BOOST_TEST(check_session_request({.callback = "http://localhost:8080/done"}).empty());
}

BOOST_AUTO_TEST_CASE(a_remembered_callback_never_lets_another_url_through) {
    // The last accepted URL is remembered per thread; every other text is still checked.
    for (int round = 0; round < 2; ++round) {
        BOOST_TEST(didit::detail::is_http_url("https://example.com/done"));
        BOOST_TEST(!didit::detail::is_http_url("https://example.com/done "));
        BOOST_TEST(!didit::detail::is_http_url("https://example.com/do ne"));
        BOOST_TEST(!didit::detail::is_http_url("https://"));
        BOOST_TEST(!didit::detail::is_http_url(""));
        BOOST_TEST(didit::detail::is_http_url("https://example.com/done"));
    }
}

BOOST_AUTO_TEST_CASE(session_response_is_parsed) {
    diagnostics diag;
    auto parsed = parse_session(
        R"({"session_id":"11111111-2222-3333-4444-555555555555","session_token":"abc","url":"https://verify.didit.me/session/abc","extra":[1,2]})",
        diag);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->session_id == "11111111-2222-3333-4444-555555555555");
    BOOST_TEST(parsed->session_token == "abc");
    BOOST_TEST(parsed->url == "https://verify.didit.me/session/abc");
}

BOOST_AUTO_TEST_CASE(a_v3_session_response_is_read_field_by_field_as_its_last_keys_say) {
    diagnostics diag;
    auto parsed = parse_session(
        R"({"session_id":"old","status":"Ignored","session_token":"t\u00e9\"q\"",)"
        R"("skip":{"url":"not this","metadata":{"a":1}},"url":"https://v.example/s/1",)"
        R"("session_number":41,"workflow_version":"2","vendor_data":"user-7",)"
        R"("metadata":{"plan":"gold","tags":["a",{"b":null}],"n":-3,"big":18446744073709551615,)"
        R"("x":1.5,"ok":true},"callback":["x"],"status":"Not Started","session_kind":"user",)"
        R"("workflow_id":"w-1","session_id":"11111111-2222-3333-4444-555555555555"})",
        diag);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->session_id == "11111111-2222-3333-4444-555555555555"); // the last one
    BOOST_TEST(parsed->session_token == "t\u00e9\"q\"");                      // escapes decoded
    BOOST_TEST(parsed->url == "https://v.example/s/1");                       // not the nested one
    BOOST_TEST((parsed->session_number == 41));
    BOOST_TEST(!parsed->workflow_version.has_value()); // a string: ignored
    BOOST_TEST(parsed->status == "Not Started");
    BOOST_TEST(parsed->vendor_data == "user-7");
    BOOST_TEST(parsed->callback.empty()); // an array: ignored
    BOOST_TEST(parsed->session_kind == "user");
    BOOST_TEST(parsed->workflow_id == "w-1");
    BOOST_TEST(parsed->metadata ==
               boost::json::parse(R"({"plan":"gold","tags":["a",{"b":null}],"n":-3,)"
                                  R"("big":18446744073709551615,"x":1.5,"ok":true})"));
}

BOOST_AUTO_TEST_CASE(a_repeated_field_of_another_kind_takes_back_the_earlier_one) {
    diagnostics diag;
    auto parsed = parse_session(
        R"({"session_id":"x","session_token":"y","url":"u","metadata":{"a":1},"metadata":[1],)"
        R"("status":"s","status":5,"session_number":3,"session_number":null})",
        diag);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->metadata.is_null());
    BOOST_TEST(parsed->status.empty());
    BOOST_TEST(!parsed->session_number.has_value());
    auto refused =
        parse_session(R"({"session_id":"x","session_token":"y","url":"u","url":7})", diag);
    BOOST_TEST(!refused.has_value());
    BOOST_TEST(diag.message.find("'url' is not a non-empty string") != std::string::npos,
               diag.message);
    auto trailing = parse_session(R"({"session_id":"x","session_token":"y","url":"u"} x)", diag);
    BOOST_TEST(!trailing.has_value());
    BOOST_TEST(diag.message.find("not valid JSON") != std::string::npos, diag.message);
}

BOOST_AUTO_TEST_CASE(malformed_session_responses_name_the_problem) {
    struct {
        const char* body;
        const char* mentions;
    } cases[] = {
        {"", "not valid JSON"},
        {"<html>", "not valid JSON"},
        {R"({"session_id":"x","session_token":"y")", "not valid JSON"},
        {"[]", "not a JSON object"},
        {R"({"session_token":"y","url":"u"})", "'session_id'"},
        {R"({"session_id":"x","url":"u"})", "'session_token'"},
        {R"({"session_id":"x","session_token":"y"})", "'url'"},
        {R"({"session_id":5,"session_token":"y","url":"u"})", "'session_id'"},
        {R"({"session_id":null,"session_token":"y","url":"u"})", "'session_id'"},
        {R"({"session_id":"","session_token":"y","url":"u"})", "'session_id'"},
    };
    for (const auto& c : cases) {
        diagnostics diag;
        auto parsed = parse_session(c.body, diag);
        BOOST_TEST_CONTEXT(c.body) {
            BOOST_TEST(!parsed.has_value());
            BOOST_TEST((parsed.error() == error::invalid_response));
            BOOST_TEST(diag.message.find(c.mentions) != std::string::npos, diag.message);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_encoding)

BOOST_AUTO_TEST_CASE(basic_authorization_is_rfc7617) {
    BOOST_TEST(basic_credentials("Aladdin", "open sesame") ==
               "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n");
    BOOST_TEST(basic_credentials("a", "b") == "Authorization: Basic YTpi\r\n");
}

BOOST_AUTO_TEST_CASE(token_response_gives_a_bearer_header_and_lifetime) {
    diagnostics diag;
    auto parsed = parse_token_response(
        R"({"iss":"https://didit.me","iat":1,"expires_in":86400,"exp":864001,"access_token":"tok"})",
        diag);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->credentials == "Authorization: Bearer tok\r\n");
    BOOST_TEST(parsed->expires_in.count() == 86400);
    auto as_float = parse_token_response(R"({"access_token":"t","expires_in":60.0})", diag);
    BOOST_REQUIRE(as_float.has_value());
    BOOST_TEST(as_float->expires_in.count() == 60);
}

BOOST_AUTO_TEST_CASE(a_token_response_with_exp_alone_lives_until_exp) {
    diagnostics diag;
    auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}};
    auto parsed = parse_token_response(
        R"({"access_token":"tok","iat":1800000000,"exp":1800003600})", diag, now);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->expires_in.count() == 3600);
    // expires_in wins when both are there, as the reference's exp may be far later.
    auto both =
        parse_token_response(R"({"access_token":"t","expires_in":60,"exp":1800864000})", diag, now);
    BOOST_REQUIRE(both.has_value());
    BOOST_TEST(both->expires_in.count() == 60);
    auto past = parse_token_response(R"({"access_token":"secret-token-value","exp":1799999999})",
                                     diag, now);
    BOOST_TEST(!past.has_value());
    BOOST_TEST(diag.message.find("exp") != std::string::npos);
    BOOST_TEST(diag.message.find("secret-token-value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_token_responses_are_invalid_and_never_echo_the_token) {
    const char* bodies[] = {
        R"({"expires_in":10})",
        R"({"access_token":"secret-token-value","expires_in":0})",
        R"({"access_token":"secret-token-value","expires_in":-5})",
        R"({"access_token":"secret-token-value","expires_in":"3600"})",
        R"({"access_token":"secret-token-value","expires_in":1.5})",
        R"({"access_token":"secret-token-value"})",
        R"({"access_token":42,"expires_in":10})",
        "not json",
    };
    for (auto body : bodies) {
        diagnostics diag;
        auto parsed = parse_token_response(body, diag);
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST(!parsed.has_value());
            BOOST_TEST(!diag.message.empty());
            BOOST_TEST(diag.message.find("secret-token-value") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_token_that_is_not_a_bearer_token_is_refused_without_quoting_it) {
    // A token becomes a header line: one with a line break would smuggle a second header.
    for (std::string_view token :
         {"secret-token-value\\r\\nX-Injected: 1", "secret-token-value\\n", "secret token value",
          "secret-token-value\\u0000", "=secret-token-value", "secret-token-value\\t"}) {
        auto body = R"({"access_token":")" + std::string{token} + R"(","expires_in":60})";
        diagnostics diag;
        auto parsed = parse_token_response(body, diag);
        BOOST_TEST_CONTEXT(body) {
            BOOST_TEST(!parsed.has_value());
            BOOST_TEST(diag.message.find("bearer token") != std::string::npos);
            BOOST_TEST(diag.message.find("secret-token-value") == std::string::npos);
        }
    }
    // What RFC 6750 allows is taken: a JWT, and "=" padding.
    for (std::string_view token :
         {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_", "a+b/c~d==", "0123456789abcdef"}) {
        diagnostics diag;
        auto parsed = parse_token_response(
            R"({"access_token":")" + std::string{token} + R"(","expires_in":60})", diag);
        BOOST_REQUIRE_MESSAGE(parsed.has_value(), token);
        BOOST_TEST(parsed->credentials == "Authorization: Bearer " + std::string{token} + "\r\n");
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(error_bodies)

BOOST_AUTO_TEST_CASE(detail_is_taken_in_the_documented_order) {
    BOOST_TEST(read_error_body(R"({"detail":"Not found.","message":"m"})").detail == "Not found.");
    BOOST_TEST(read_error_body(R"({"message":"m","error":"e"})").detail == "m");
    BOOST_TEST(read_error_body(R"({"error":"invalid_client","error_description":"bad"})").detail ==
               "bad");
    BOOST_TEST(read_error_body(R"({"error":"invalid_client"})").detail == "invalid_client");
}

BOOST_AUTO_TEST_CASE(field_errors_are_joined) {
    BOOST_TEST(
        read_error_body(
            R"({"features":["\"X\" is not a valid choice."],"callback":["Enter a valid URL."]})")
            .detail == R"(features: "X" is not a valid choice.; callback: Enter a valid URL.)");
}

BOOST_AUTO_TEST_CASE(the_code_comes_beside_the_detail) {
    auto said = read_error_body(
        R"({"detail":"Billing is suspended for this contract.","code":"contract_billing_suspended"})");
    BOOST_TEST(said.detail == "Billing is suspended for this contract.");
    BOOST_TEST(said.code == "contract_billing_suspended");
    BOOST_TEST(read_error_body(R"({"detail":"Not found."})").code.empty());
    BOOST_TEST(read_error_body(R"({"code":42,"detail":"x"})").code.empty()); // not text
    BOOST_TEST(read_error_body(R"(["first","second"])").detail == "first second");
}

BOOST_AUTO_TEST_CASE(a_body_that_is_not_json_is_kept_apart_from_the_detail) {
    auto said = read_error_body("<html><body>Internal Server Error</body></html>");
    BOOST_TEST(said.detail.empty());
    BOOST_TEST(said.not_json == "<html><body>Internal Server Error</body></html>");
    BOOST_TEST(read_error_body("").not_json.empty());
}

BOOST_AUTO_TEST_CASE(hostile_bodies_are_bounded_and_cleaned) {
    std::string huge(100000, 'x');
    BOOST_TEST(read_error_body(huge).not_json.size() <= 160);
    BOOST_TEST(read_error_body("line1\r\nline2\x1b[31m").not_json == "line1line2[31m");
    BOOST_TEST(read_error_body(R"({"code":")" + huge + R"("})").code.size() <= 64);
    BOOST_TEST(read_error_body(R"({"detail":")" + huge + R"("})").detail.size() <= 512);
}

BOOST_AUTO_TEST_CASE(retry_after_takes_delta_seconds_only) {
    BOOST_TEST((parse_retry_after("30") == std::chrono::seconds{30}));
    BOOST_TEST(!parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    BOOST_TEST(!parse_retry_after(""));
    BOOST_TEST(!parse_retry_after("-1"));
}

BOOST_AUTO_TEST_CASE(statuses_map_to_errors) {
    BOOST_TEST(!error_for_api_status(201));
    BOOST_TEST((error_for_api_status(400) == error::bad_request));
    BOOST_TEST((error_for_api_status(401) == error::unauthorized));
    BOOST_TEST((error_for_api_status(403) == error::forbidden));
    BOOST_TEST((error_for_api_status(402) == error::payment_required));
    BOOST_TEST((error_for_api_status(404) == error::not_found));
    BOOST_TEST((error_for_api_status(409) == error::conflict));
    BOOST_TEST((error_for_api_status(429) == error::rate_limited));
    BOOST_TEST((error_for_api_status(503) == error::service_unavailable));
    BOOST_TEST((error_for_api_status(502) == error::server_error));
    BOOST_TEST((error_for_api_status(302) == error::unexpected_status));
    BOOST_TEST((error_for_token_status(401) == error::token_rejected));
    BOOST_TEST((error_for_token_status(400) == error::token_rejected));
    BOOST_TEST((error_for_token_status(500) == error::server_error));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wire_format)

BOOST_AUTO_TEST_CASE(request_head_is_complete) {
    std::string out = "leftover";
    format_request(
        out, "api.example:8443",
        {"POST", "/v1/session/", "Authorization: Bearer t\r\n", "application/json", "{}"});
    BOOST_TEST(out == "POST /v1/session/ HTTP/1.1\r\nHost: api.example:8443\r\n"
                      "User-Agent: didit-cpp/0.1\r\nAccept: application/json\r\n"
                      "Authorization: Bearer t\r\nContent-Type: application/json\r\n"
                      "Content-Length: 2\r\n\r\n{}");
}

BOOST_AUTO_TEST_CASE(a_get_has_no_body_fields_and_a_last_request_asks_to_close) {
    std::string out(4096, 'x'); // a longer request before: what is written is all that stays
    format_request(out, "h", {"GET", "/v3/session/1/decision/", "x-api-key: k\r\n", "", ""}, true);
    BOOST_TEST(out == "GET /v3/session/1/decision/ HTTP/1.1\r\nHost: h\r\n"
                      "User-Agent: didit-cpp/0.1\r\nAccept: application/json\r\n"
                      "x-api-key: k\r\nConnection: close\r\n\r\n");
    format_request(out, "h", {"DELETE", "/v3/session/1/delete/", "", "", "", "*/*"});
    BOOST_TEST(out == "DELETE /v3/session/1/delete/ HTTP/1.1\r\nHost: h\r\n"
                      "User-Agent: didit-cpp/0.1\r\nAccept: */*\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(origins_are_https_with_optional_prefix) {
    auto plain = parse_origin("https://verification.didit.me");
    BOOST_REQUIRE(plain.has_value());
    BOOST_TEST(plain->host == "verification.didit.me");
    BOOST_TEST(plain->port == "443");
    BOOST_TEST(plain->path_prefix == "");
    BOOST_TEST(plain->host_header == "verification.didit.me");
    BOOST_TEST(!plain->host_is_ip);

    auto gateway = parse_origin("https://127.0.0.1:8443/didit/");
    BOOST_REQUIRE(gateway.has_value());
    BOOST_TEST(gateway->host == "127.0.0.1");
    BOOST_TEST(gateway->port == "8443");
    BOOST_TEST(gateway->path_prefix == "/didit");
    BOOST_TEST(gateway->host_header == "127.0.0.1:8443");
    BOOST_TEST(gateway->host_is_ip);

    auto v6 = parse_origin("https://[::1]:9000");
    BOOST_REQUIRE(v6.has_value());
    BOOST_TEST(v6->host == "::1");
    BOOST_TEST(v6->host_is_ip);

    BOOST_TEST(!parse_origin("http://verification.didit.me").has_value());
    BOOST_TEST(!parse_origin("verification.didit.me").has_value());
    BOOST_TEST(!parse_origin("https://user:pw@host").has_value());
    BOOST_TEST(!parse_origin("https://host/?q=1").has_value());
    BOOST_TEST(!parse_origin("https://host:0").has_value());
}

BOOST_AUTO_TEST_CASE(json_strings_escape_controls) {
    std::string out;
    append_json_string(out, std::string_view{"\0\x1f\"\\/", 5});
    BOOST_TEST(out == R"("\u0000\u001f\"\\/")");
}

BOOST_AUTO_TEST_CASE(json_strings_escape_every_special_byte_wherever_it_stands) {
    // Long plain runs are scanned eight bytes at a time: a byte to escape must be found at
    // every offset of a word, and bytes that merely look close (0x1f+1, 0x80 and up) must not.
    for (unsigned char special : {'\0', '\x1f', '"', '\\', '\n'}) {
        for (std::size_t at = 0; at < 20; ++at) {
            std::string text(20, 'a');
            text[at] = static_cast<char>(special);
            text[(at + 7) % 20] = '\xe9'; // a UTF-8 continuation-like byte stays as it is
            std::string expected = "\"";
            for (char c : text) {
                if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\')
                    append_json_escape(expected, static_cast<unsigned char>(c));
                else
                    expected.push_back(c);
            }
            expected.push_back('"');
            std::string out = "prefix";
            append_json_string(out, text);
            BOOST_TEST(out == "prefix" + expected);
        }
    }
    std::string plain;
    append_json_string(plain, "https://example.com/kyc/done?x=1&y=\x7f\xff");
    BOOST_TEST(plain == "\"https://example.com/kyc/done?x=1&y=\x7f\xff\"");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(workflow_session_encoding)

BOOST_AUTO_TEST_CASE(every_field_is_encoded_as_the_api_names_it) {
    auto body = didit::detail::workflow_session_body({
        .workflow_id = "w",
        .vendor_data = "v\"1",
        .callback = "https://example.com/cb",
        .callback_method = callback_method::completer,
        .metadata = R"({"k":[1,2]})",
        .language = "en",
        .contact_details = contact_details{.email = "a@b.c", .send_notification_emails = false},
        .expected_details =
            expected_details{.last_name = "Müller", .expected_document_types = {"P", "ID"}},
        .portrait_image = "aGk=",
    });
    auto parsed = boost::json::parse(body).as_object();
    BOOST_TEST(parsed.at("workflow_id").as_string() == "w");
    BOOST_TEST(parsed.at("vendor_data").as_string() == "v\"1");
    BOOST_TEST(parsed.at("callback_method").as_string() == "completer");
    BOOST_TEST(parsed.at("metadata").at("k").as_array().size() == 2u);
    BOOST_TEST(parsed.at("language").as_string() == "en");
    BOOST_TEST(parsed.at("contact_details").at("send_notification_emails").as_bool() == false);
    BOOST_TEST(!parsed.at("contact_details").as_object().contains("phone"));
    BOOST_TEST(parsed.at("expected_details").at("last_name").as_string() == "Müller");
    BOOST_TEST(parsed.at("expected_details").at("expected_document_types").as_array().size() == 2u);
    BOOST_TEST(parsed.at("portrait_image").as_string() == "aGk=");
}

BOOST_AUTO_TEST_CASE(unset_fields_are_left_out) {
    auto body = didit::detail::workflow_session_body({.workflow_id = "w"});
    BOOST_TEST(body == R"({"workflow_id":"w"})");
}

BOOST_AUTO_TEST_CASE(language_codes_are_checked_loosely) {
    using didit::detail::check_workflow_session_request;
    for (auto ok : {"en", "pt-BR", "zh-TW", "cnr"})
        BOOST_TEST(check_workflow_session_request({.workflow_id = "w", .language = ok}).empty());
    for (auto bad : {"e", "english", "pt_BR", "pt-", "12"})
        BOOST_TEST(!check_workflow_session_request({.workflow_id = "w", .language = bad}).empty());
}

BOOST_AUTO_TEST_CASE(the_next_page_is_asked_for_by_the_links_query_alone) {
    BOOST_TEST(next_page_query("https://verification.didit.me/v3/sessions/?limit=2&offset=4")
                   .value_or("") == "limit=2&offset=4");
    // Another host or path in the link changes nothing but the query we send.
    BOOST_TEST(
        next_page_query("https://evil.example/steal/?offset=10&status=Approved%20x").value_or("") ==
        "offset=10&status=Approved%20x");
    BOOST_TEST(!next_page_query("https://verification.didit.me/v3/sessions/?limit=2"));
    BOOST_TEST(!next_page_query("https://verification.didit.me/v3/sessions/"));
    BOOST_TEST(!next_page_query("https://x/?offset=-1"));
    BOOST_TEST(!next_page_query("https://x/?offset="));
    BOOST_TEST(!next_page_query("https://x/?offset=1 2"));
    BOOST_TEST(!next_page_query("not a url\r\n?offset=1"));
}

BOOST_AUTO_TEST_CASE(deletion_jobs_are_read_by_their_status) {
    diagnostics diag;
    BOOST_TEST(parse_deletion_job(R"({"job_id":"0b1c-22","status":"pending"})", diag).value() ==
               "0b1c-22");
    BOOST_TEST(!parse_deletion_job(R"({"job_id":"../../admin"})", diag));
    BOOST_TEST(!parse_deletion_job(R"({"status":"pending"})", diag));
    BOOST_TEST(!parse_deletion_job("[]", diag));
    BOOST_TEST((parse_job_state(R"({"status":"pending"})", diag).value() == job_state::pending));
    BOOST_TEST(
        (parse_job_state(R"({"status":"in_progress"})", diag).value() == job_state::pending));
    BOOST_TEST(
        (parse_job_state(R"({"status":"Completed"})", diag).value() == job_state::completed));
    BOOST_TEST((parse_job_state(R"({"status":"done"})", diag).value() == job_state::completed));
    BOOST_TEST((parse_job_state(R"({"status":"failed"})", diag).value() == job_state::failed));
    BOOST_TEST(!parse_job_state(R"({"state":"done"})", diag));
}

BOOST_AUTO_TEST_SUITE_END()
