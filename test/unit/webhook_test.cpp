// Webhook verification: every test vector of the API reference (section 3.5), vectors derived
// with Python's json.dumps for what the reference does not cover, and the ways a delivery
// is refused.

#include "crypto/hmac.hpp"
#include "webhook_vectors.hpp"
#include "wire/canonical_json.hpp"

#include <didit/webhook.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using didit::webhook_error;
using didit::webhook_headers;
using didit::webhook_signature;

namespace {

using namespace webhook_vectors;
const auto fixture_now = std::chrono::system_clock::time_point{std::chrono::seconds{1774970000}};

// Vector B: unicode_names, ASCII-escaped on the wire.
constexpr std::string_view body_b =
    R"({"application_id":"11111111-2222-3333-4444-555555555555","created_at":1774969994,"decision":{"id_verifications":[{"first_name":"Jos\u00e9","last_name":"M\u00fcller-\u00dcnl\u00fc","node_id":"id_verification_1","place_of_birth":"\u5317\u4eac","status":"Approved"}],"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","status":"Approved"},"environment":"live","event_id":"9c0c8b8a-1111-4222-9333-444444444444","session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","status":"Approved","timestamp":1774970000,"vendor_data":"wp-42","webhook_type":"status.updated","workflow_id":"22222222-3333-4444-5555-666666666666","workflow_version":4})";
constexpr std::string_view sig_b =
    "b7b49a28ae4118438ef4d0f0fd603c4387cc39adf3ed451da18dc521c1d3e7eb";
constexpr std::string_view sig_v2_b =
    "7e416d66763a1f7e228ab0d94677f87152ad58560f0c71e8db7eb6b16faf7009";

// Vector C: declined, no decision.
constexpr std::string_view body_c =
    R"({"application_id":"11111111-2222-3333-4444-555555555555","created_at":1774969994,"environment":"live","event_id":"9c0c8b8a-1111-4222-9333-444444444444","metadata":{"wp_user_id":42},"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","status":"Declined","timestamp":1774970000,"vendor_data":"wp-42","webhook_type":"status.updated","workflow_id":"22222222-3333-4444-5555-666666666666","workflow_version":4})";
constexpr std::string_view sig_c =
    "1b132d6284727cc34cb259add34355e547fe103c65475a8d6286462edf909b63";
constexpr std::string_view simple_c =
    "ea157dba351b4c0f93fdaacd85059d494fd7696b3993c7a6707c2593d0fb4c74";

// Vector D: floats and a non-ASCII vendor_data (secret test_secret_123).
constexpr std::string_view secret_d = "test_secret_123";
const auto now_d = std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}};
constexpr std::string_view body_d =
    R"({"decision":{"liveness_checks":[{"big":1234567.5,"score":89.92,"threshold":100,"tiny":5e-05}]},"session_id":"s-1","status":"Approved","timestamp":1700000000,"vendor_data":"\u00fc-1","webhook_type":"status.updated"})";
constexpr std::string_view sig_d =
    "888e66943f8e861278d14372de95e6973a2a6e250c8043f61a810bea515e7f80";
constexpr std::string_view sig_v2_d =
    "5eacd5ca32ba6402475dba9b5c843395aa382eeb47dd8f1ef8b3ef327ca8f1e4";
constexpr std::string_view simple_d =
    "e0d33b78f9a9acabb9a3fd89949a3db5aac94590b38e66f8c3d325a70b933d73";

// Ours, from Python's json.dumps: an astral character, DEL, keys that sort by code point,
// floats of every layout (secret fixture_secret, timestamp 1700000000).
constexpr std::string_view body_astral =
    R"({"event_id":"e-1","metadata":{"/path":"a/b","a":[1.5,2,1e-07,0.30000000000000004,10000000000000000000000,0],"z":1,"\u00e9":"x"},"session_id":"s-astral","status":"Approved","timestamp":1700000000,"vendor_data":"emoji \ud83d\ude00 and \u00e9 and \u007f del","webhook_type":"status.updated"})";
constexpr std::string_view sig_astral =
    "102d991e536140d43abcdf1f9d20d8de49ad18364f75506865d30fc0dbd98e88";
constexpr std::string_view sig_v2_astral =
    "97df09fab18734407a160e8d17e05398b9762a2c1bddc779fafa0e3fd20e436e";

struct verdict {
    boost::system::result<didit::webhook_event> result;
    didit::diagnostics diag;
};

verdict verify(std::string_view body, const webhook_headers& headers,
               std::string_view secret = fixture_secret,
               std::chrono::system_clock::time_point now = fixture_now,
               const didit::webhook_options& options = {}) {
    verdict out{boost::system::error_code{}, {}};
    out.result = didit::verify_webhook(body, headers, secret, now, out.diag, options);
    return out;
}

didit::webhook_event accepted(const verdict& v) {
    std::string why = v.result ? "" : v.result.error().message() + ": " + v.diag.message;
    BOOST_REQUIRE_MESSAGE(v.result.has_value(), why);
    return *v.result;
}

webhook_error refused(const verdict& v) {
    BOOST_REQUIRE(!v.result.has_value());
    BOOST_REQUIRE(v.result.error().category() == didit::webhook_category());
    return static_cast<webhook_error>(v.result.error().value());
}

std::string canonical(std::string_view text, didit::detail::ascii_escaping escaping) {
    std::string out;
    std::string why;
    BOOST_REQUIRE_MESSAGE(didit::detail::write_canonical(text, out, escaping, why, 64), why);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(reference_vectors)

BOOST_AUTO_TEST_CASE(a_basic_approved_each_signature_alone) {
    auto event = accepted(verify(body_a, {.signature = sig_a}));
    BOOST_TEST((event.verified_by == webhook_signature::raw));
    BOOST_TEST(event.session_id == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    BOOST_TEST((event.status == didit::session_status::approved));
    BOOST_TEST(event.webhook_type == "status.updated");
    BOOST_TEST(event.event_id == "9c0c8b8a-1111-4222-9333-444444444444");
    BOOST_TEST(event.timestamp == 1774970000);
    BOOST_TEST(event.created_at.value_or(0) == 1774969994);
    BOOST_TEST(event.vendor_data.value_or("") == "wp-42");
    BOOST_TEST(event.metadata.at("wp_user_id").as_int64() == 42);
    BOOST_REQUIRE(event.decision.has_value());
    BOOST_TEST(event.decision->id_verifications.size() == 1u);
    BOOST_TEST(event.fully_signed);

    auto v2 = accepted(verify(body_a, {.signature_v2 = sig_a}));
    BOOST_TEST((v2.verified_by == webhook_signature::canonical));
    auto simple = accepted(verify(body_a, {.signature_simple = simple_a}, fixture_secret,
                                  fixture_now, {.allow_simple = true}));
    BOOST_TEST((simple.verified_by == webhook_signature::simple));
    BOOST_TEST(!simple.fully_signed);
}

BOOST_AUTO_TEST_CASE(a_rotated_secret_is_accepted_beside_the_new_one) {
    didit::diagnostics diag;
    // Newest first: the delivery was signed with the older secret, by any of the three ways.
    auto raw = didit::verify_webhook(body_a, {.signature = sig_a},
                                     {"new-secret-2026", fixture_secret}, fixture_now, diag);
    BOOST_REQUIRE(raw.has_value());
    BOOST_TEST(raw->secret_index == 1u);
    auto v2 = didit::verify_webhook(body_a, {.signature_v2 = sig_a},
                                    {"new-secret-2026", fixture_secret}, fixture_now, diag);
    BOOST_REQUIRE(v2.has_value());
    BOOST_TEST((v2->verified_by == webhook_signature::canonical));
    BOOST_TEST(v2->secret_index == 1u);
    auto simple = didit::verify_webhook(body_a, {.signature_simple = simple_a},
                                        {"new-secret-2026", fixture_secret}, fixture_now, diag,
                                        {.allow_simple = true});
    BOOST_REQUIRE(simple.has_value());
    auto current =
        didit::verify_webhook(body_a, {.signature = sig_a}, {fixture_secret}, fixture_now, diag);
    BOOST_REQUIRE(current.has_value());
    BOOST_TEST(current->secret_index == 0u);

    auto neither = didit::verify_webhook(body_a, {.signature = sig_a},
                                         {"new-secret-2026", "older-secret"}, fixture_now, diag);
    BOOST_REQUIRE(!neither.has_value());
    BOOST_TEST((neither.error() == webhook_error::bad_signature));
    auto none = didit::verify_webhook(body_a, {.signature = sig_a},
                                      std::span<const std::string_view>{}, fixture_now, diag);
    BOOST_TEST((none.error() == webhook_error::empty_secret));
    auto one_empty = didit::verify_webhook(body_a, {.signature = sig_a}, {fixture_secret, ""},
                                           fixture_now, diag);
    BOOST_TEST((one_empty.error() == webhook_error::empty_secret));
    BOOST_TEST(diag.message.find("2 of 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(b_unicode_names_raw_and_canonical) {
    auto raw = accepted(verify(body_b, {.signature = sig_b}));
    BOOST_TEST(raw.decision->id_verifications.at(0).first_name.value_or("") == "José");
    BOOST_TEST(raw.decision->id_verifications.at(0).place_of_birth.value_or("") == "北京");
    auto v2 = accepted(verify(body_b, {.signature_v2 = sig_v2_b}));
    BOOST_TEST((v2.verified_by == webhook_signature::canonical));
    // The unescaped form of the body, as a re-encoding proxy would forward it.
    std::string utf8 = canonical(body_b, didit::detail::ascii_escaping::none);
    BOOST_TEST(utf8.size() == 609u);
    auto forwarded = verify(utf8, {.signature = sig_b, .signature_v2 = sig_v2_b});
    BOOST_TEST((accepted(forwarded).verified_by == webhook_signature::canonical));
    accepted(verify(body_b, {.signature_simple = simple_a}, fixture_secret, fixture_now,
                    {.allow_simple = true}));
}

BOOST_AUTO_TEST_CASE(c_declined_without_a_decision) {
    auto event = accepted(verify(body_c, {.signature = sig_c, .signature_v2 = sig_c}));
    BOOST_TEST((event.status == didit::session_status::declined));
    BOOST_TEST(!event.decision.has_value());
    accepted(verify(body_c, {.signature_simple = simple_c}, fixture_secret, fixture_now,
                    {.allow_simple = true}));
}

BOOST_AUTO_TEST_CASE(d_floats_and_escaped_vendor_data) {
    auto raw = accepted(verify(body_d, {.signature = sig_d}, secret_d, now_d));
    BOOST_TEST(raw.vendor_data.value_or("") == "ü-1");
    accepted(verify(body_d, {.signature_v2 = sig_v2_d}, secret_d, now_d));
    accepted(
        verify(body_d, {.signature_simple = simple_d}, secret_d, now_d, {.allow_simple = true}));
}

BOOST_AUTO_TEST_CASE(the_canonical_writer_reproduces_the_wire_bodies) {
    for (auto body : {body_a, body_b, body_c, body_d, body_astral})
        BOOST_TEST(canonical(body, didit::detail::ascii_escaping::all) == body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canonical_form)

BOOST_AUTO_TEST_CASE(re_encoded_bodies_still_verify_by_v2) {
    // Keys reordered, spaces added, 100 written as 100.0 and 5e-05 as 0.00005, UTF-8 as is:
    // X-Signature no longer matches, X-Signature-V2 still does.
    constexpr std::string_view reencoded =
        R"({ "webhook_type": "status.updated", "vendor_data": "ü-1", "timestamp": 1700000000,
             "status": "Approved", "session_id": "s-1",
             "decision": {"liveness_checks": [{"tiny": 0.00005, "threshold": 100.0,
                                               "score": 89.92, "big": 1234567.50}]}})";
    auto event = accepted(
        verify(reencoded, {.signature = sig_d, .signature_v2 = sig_v2_d}, secret_d, now_d));
    BOOST_TEST((event.verified_by == webhook_signature::canonical));
    BOOST_TEST(event.decision->liveness_checks.at(0).score.value_or(0) == 89.92);
}

BOOST_AUTO_TEST_CASE(astral_characters_del_and_number_layouts) {
    accepted(verify(body_astral, {.signature = sig_astral}, fixture_secret,
                    std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}}));
    auto v2 = verify(body_astral, {.signature_v2 = sig_v2_astral}, fixture_secret,
                     std::chrono::system_clock::time_point{std::chrono::seconds{1700000000}});
    BOOST_TEST(accepted(v2).vendor_data.value_or("") ==
               "emoji \xF0\x9F\x98\x80 and é and \x7f del");
}

BOOST_AUTO_TEST_CASE(floats_print_as_python_repr) {
    using didit::detail::python_float_repr;
    BOOST_TEST(python_float_repr(95.4) == "95.4");
    BOOST_TEST(python_float_repr(0.0001) == "0.0001");
    BOOST_TEST(python_float_repr(5e-05) == "5e-05");
    BOOST_TEST(python_float_repr(1e-07) == "1e-07");
    BOOST_TEST(python_float_repr(0.1 + 0.2) == "0.30000000000000004");
    BOOST_TEST(python_float_repr(123456789012345.6) == "123456789012345.6");
    BOOST_TEST(python_float_repr(-2.5) == "-2.5");
    BOOST_TEST(python_float_repr(2.5e-310) == "2.5e-310");
    BOOST_TEST(canonical("[1e23,100.0,-0.0,1.0e2]", didit::detail::ascii_escaping::none) ==
               "[99999999999999991611392,100,0,100]");
    // Integers beyond 64 bits keep their digits, as Python's int does.
    BOOST_TEST(canonical("[123456789012345678901234567890, -18446744073709551616, 1e400]",
                         didit::detail::ascii_escaping::none) ==
               "[123456789012345678901234567890,-18446744073709551616,Infinity]");
    BOOST_TEST(canonical(R"({"a":1,"b":2,"a":3})", didit::detail::ascii_escaping::none) ==
               R"({"a":3,"b":2})");
    BOOST_TEST(
        canonical(R"({"b":{},"a":[],"10":1,"9":2,"2":3})", didit::detail::ascii_escaping::none) ==
        R"({"10":1,"2":3,"9":2,"a":[],"b":{}})");
}

BOOST_AUTO_TEST_CASE(strings_escape_as_python_does) {
    // json.dumps("a\x01\b\f\n\"\\/\x7fé", ensure_ascii=False) and with ensure_ascii=True
    constexpr std::string_view input = R"(["a\u0001\b\f\n\"\\/\u007f\u00e9"])";
    BOOST_TEST(canonical(input, didit::detail::ascii_escaping::none) ==
               "[\"a\\u0001\\b\\f\\n\\\"\\\\/\x7f\xC3\xA9\"]");
    BOOST_TEST(canonical(input, didit::detail::ascii_escaping::all) ==
               R"(["a\u0001\b\f\n\"\\/\u007f\u00e9"])");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refusals)

BOOST_AUTO_TEST_CASE(a_tampered_byte_or_another_secret_is_a_bad_signature) {
    std::string tampered{body_a};
    tampered[tampered.find("wp-42")] = 'x';
    BOOST_TEST((refused(verify(tampered, {.signature = sig_a, .signature_v2 = sig_a})) ==
                webhook_error::bad_signature));
    auto wrong = verify(body_a, {.signature = sig_a, .signature_v2 = sig_a}, "another-secret");
    BOOST_TEST((refused(wrong) == webhook_error::bad_signature));
    BOOST_TEST(wrong.diag.message.find("another-secret") == std::string::npos);
    std::string upper{sig_a};
    for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    accepted(verify(body_a, {.signature = upper})); // hex case does not matter
    BOOST_TEST(
        (refused(verify(body_a, {.signature = sig_a.substr(1)})) == webhook_error::bad_signature));
    BOOST_TEST((refused(verify(body_a, {.signature = "zz"})) == webhook_error::bad_signature));
}

BOOST_AUTO_TEST_CASE(simple_is_refused_unless_allowed) {
    BOOST_TEST((refused(verify(body_a, {.signature_simple = simple_a})) ==
                webhook_error::missing_signature));
    // Simple signs four fields only: changing vendor_data keeps it valid, which is why it
    // is opt-in and the event says so.
    std::string altered{body_a};
    altered.replace(altered.find("wp-42"), 5, "wp-99");
    auto event = accepted(verify(altered, {.signature_simple = simple_a}, fixture_secret,
                                 fixture_now, {.allow_simple = true}));
    BOOST_TEST(!event.fully_signed);
}

BOOST_AUTO_TEST_CASE(stale_and_future_timestamps_are_refused) {
    using namespace std::chrono_literals;
    BOOST_TEST((refused(verify(body_a, {.signature = sig_a}, fixture_secret, fixture_now + 301s)) ==
                webhook_error::stale_timestamp));
    accepted(verify(body_a, {.signature = sig_a}, fixture_secret, fixture_now + 300s));
    BOOST_TEST((refused(verify(body_a, {.signature = sig_a}, fixture_secret, fixture_now - 301s)) ==
                webhook_error::future_timestamp));
    accepted(verify(body_a, {.signature = sig_a}, fixture_secret, fixture_now + 3600s,
                    {.tolerance = 3601s}));
    // The body's signed timestamp wins over a forged header.
    BOOST_TEST(
        (refused(verify(body_a, {.signature = sig_a, .timestamp = "1774970999"}, fixture_secret,
                        fixture_now + 400s)) == webhook_error::stale_timestamp));
}

BOOST_AUTO_TEST_CASE(missing_parts_and_malformed_bodies) {
    BOOST_TEST((refused(verify(body_a, {}, "")) == webhook_error::empty_secret));
    BOOST_TEST(
        (refused(verify(body_a, {.timestamp = "1774970000"})) == webhook_error::missing_signature));
    BOOST_TEST(
        (refused(verify("not json", {.signature = sig_a})) == webhook_error::malformed_body));
    BOOST_TEST((refused(verify("[1,2]", {.signature = sig_a})) == webhook_error::malformed_body));
    std::string deep = std::string(200, '[') + std::string(200, ']');
    auto too_deep = verify(deep, {.signature = sig_a});
    BOOST_TEST((refused(too_deep) == webhook_error::malformed_body));
    BOOST_TEST(too_deep.diag.message.find("deeper than 64") != std::string::npos,
               too_deep.diag.message);
    BOOST_TEST((refused(verify(body_a, {.signature = sig_a}, fixture_secret, fixture_now,
                               {.max_body_bytes = 100})) == webhook_error::malformed_body));
    BOOST_TEST(didit::to_string(webhook_error::bad_signature) == std::string{"bad_signature"});
}

BOOST_AUTO_TEST_CASE(a_signed_delivery_without_a_session_id_is_malformed) {
    // Signed with the right secret, so only the payload check can refuse it: an event that
    // names no session cannot be acted on (found by the webhook fuzzer).
    for (std::string_view id : {R"("")", "null", "7"}) {
        auto body = std::string{R"({"session_id":)"} + std::string{id} +
                    R"(,"status":"Approved","timestamp":1774970000})";
        auto signature = didit::detail::to_hex(didit::detail::hmac_sha256(fixture_secret, body));
        auto verdict = verify(body, {.signature = signature});
        BOOST_TEST((refused(verdict) == webhook_error::malformed_body), id);
        BOOST_TEST(verdict.diag.message.find("session_id must be a non-empty string") !=
                       std::string::npos,
                   verdict.diag.message);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replay_guard)

BOOST_AUTO_TEST_CASE(repeats_are_dropped_within_capacity) {
    didit::webhook_replay_guard guard{2};
    BOOST_TEST(guard.first_time("e-1"));
    BOOST_TEST(!guard.first_time("e-1"));
    BOOST_TEST(guard.first_time("e-2"));
    BOOST_TEST(guard.first_time("e-3")); // evicts e-1, the oldest
    BOOST_TEST(!guard.first_time("e-3"));
    BOOST_TEST(guard.first_time("e-1"));
    BOOST_TEST(guard.first_time("")); // no id: cannot be told apart
    BOOST_TEST(guard.first_time(""));
}

BOOST_AUTO_TEST_SUITE_END()
