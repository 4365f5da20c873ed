// Decisions and session listings read from realistic service responses of both generations:
// nulls everywhere, values and fields this library does not know, and wrong types.

#include "wire/decision_codec.hpp"

#include <didit/error.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using didit::api_generation;
using didit::feature_status;
using didit::session_status;

namespace {

// A v3 decision in the service's shape, with a field and enum values it added later.
constexpr std::string_view v3_decision = R"({
  "session_id": "11111111-2222-3333-4444-555555555555",
  "session_number": 1043,
  "session_url": "https://verify.didit.me/session/abcde",
  "status": "In Review",
  "session_kind": "user",
  "environment": "live",
  "workflow_id": "22222222-3333-4444-5555-666666666666",
  "features": ["ID_VERIFICATION", "LIVENESS", "FACE_MATCH", "AML", "IP_ANALYSIS", "QUANTUM_CHECK"],
  "vendor_data": "user-42",
  "metadata": {"plan": "gold", "n": 3},
  "expected_details": null,
  "contact_details": null,
  "callback": "https://example.com/done",
  "created_at": "2026-11-26T08:00:00.000000Z",
  "brand_new_top_level_field": {"anything": [1, 2, 3]},
  "reviews": [{"user": "ops@example.com", "new_status": "IN_REVIEW", "comment": null,
               "created_at": "2026-11-26T08:05:00Z"}],
  "id_verifications": [{
      "node_id": "feature_ocr", "status": "Approved", "document_type": "Identity Card",
      "document_subtype": null, "document_number": "X1234567", "personal_number": null,
      "portrait_image": "https://media/p.jpg", "front_image": null, "back_image": null,
      "date_of_birth": "1990-05-17", "age": 36, "expiration_date": "2031-02-01",
      "date_of_issue": null, "issuing_state": "ESP", "issuing_state_name": "Spain",
      "first_name": "José", "last_name": "Müller-Ünlü", "full_name": "José Müller-Ünlü",
      "gender": "M", "address": null, "formatted_address": null, "parsed_address": null,
      "place_of_birth": "北京", "marital_status": "UNKNOWN", "nationality": "ESP",
      "extra_fields": {"dl_categories": []}, "mrz": {"surname": "MULLER"},
      "warnings": []
  }],
  "nfc_verifications": null,
  "liveness_checks": [{"node_id": "feature_liveness", "status": "Approved", "method": "FACE_SCAN_4D",
                       "score": 89.92, "reference_image": null, "video_url": null,
                       "age_estimation": null, "warnings": []}],
  "face_matches": [{"node_id": "feature_face", "status": "Declined", "score": 42,
                    "source_image_session_id": null, "source_image": "https://a",
                    "target_image": "https://b",
                    "warnings": [{"feature": "FACE_MATCH", "risk": "LOW_FACE_MATCH_SIMILARITY",
                                  "additional_data": null, "log_type": "warning",
                                  "short_description": "Low similarity",
                                  "long_description": "The faces differ.",
                                  "node_id": "feature_face"}]}],
  "aml_screenings": [{"node_id": "feature_aml", "status": "Awaiting Oracle", "total_hits": 1,
                      "score": 72.0, "entity_type": "person",
                      "hits": [{"id": "h1", "url": null, "match": false, "score": 0.72,
                                "caption": "J. Müller", "datasets": ["PEP", null, 7],
                                "properties": {"name": ["J. Müller"]}, "risk_view": {}}],
                      "screened_data": {"full_name": "José Müller-Ünlü"}, "warnings": null}],
  "ip_analyses": [{"node_id": "feature_ip", "status": "Approved", "ip_address": "203.0.113.7",
                   "ip_country": "Spain", "ip_country_code": "ES", "ip_region": "Madrid",
                   "ip_city": null, "latitude": 40.4165, "longitude": -3.70256,
                   "isp": null, "organization": null, "is_vpn_or_tor": false,
                   "is_data_center": null, "time_zone": "Europe/Madrid",
                   "device_brand": null, "device_model": null, "browser_family": "Safari",
                   "os_family": "iOS", "platform": "mobile", "warnings": []}],
  "phone_verifications": [{"node_id": "feature_phone", "status": "Approved",
                           "full_number": "+34600000000", "warnings": []}],
  "email_verifications": null,
  "poa_verifications": null,
  "document_ai_documents": null,
  "database_validations": null,
  "questionnaire_responses": null
})";

// A v1 decision: singular objects, features as a string, and nulls where a feature is absent.
constexpr std::string_view v1_decision = R"({
  "session_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  "session_number": 7,
  "session_url": "https://verify.didit.me/session/xyz",
  "status": "Declined",
  "vendor_data": null,
  "callback": "https://example.com/done",
  "features": "OCR + FACE",
  "kyc": {"status": "Approved", "ocr_status": "Approved", "epassport_status": "Not Finished",
          "document_type": "Passport", "document_number": "PAA123456", "is_nfc_verified": false,
          "first_name": "Ana", "last_name": null, "date_of_birth": "1990-05-17",
          "created_at": "2024-01-01T00:00:00Z"},
  "aml": null,
  "face": {"status": "Declined", "face_match_status": "Declined", "liveness_status": "Approved",
           "face_match_similarity": 42.5, "liveness_confidence": 89.92,
           "source_image": null, "target_image": null, "video_url": null,
           "age_estimation": 35.2, "gender_estimation": {"male": 0.97, "female": 0.03}},
  "location": {"status": "Approved", "ip_address": "203.0.113.7", "ip_country_code": "ES",
               "is_vpn_or_tor": true, "document_location": {"latitude": 1, "longitude": 2}},
  "warnings": [{"feature": "FACE", "risk": "LOW_FACE_MATCH_SIMILARITY", "log_type": "warning",
                "short_description": "Low similarity", "long_description": null}],
  "reviews": [],
  "extra_images": [],
  "created_at": "2024-01-01T00:00:00Z"
})";

didit::decision parse_ok(std::string_view body, api_generation generation) {
    didit::diagnostics diag;
    auto parsed = didit::detail::parse_decision(body, generation, diag);
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), diag.message);
    return std::move(*parsed);
}

/// The diagnostics message of a decision that must be refused.
std::string refusal(std::string_view body, api_generation generation) {
    didit::diagnostics diag;
    auto parsed = didit::detail::parse_decision(body, generation, diag);
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_TEST((parsed.error() == didit::error::invalid_response));
    return diag.message;
}

/// `v3_decision` with the first occurrence of `from` replaced by `to`.
std::string v3_with(std::string_view from, std::string_view to) {
    std::string body{v3_decision};
    auto at = body.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    return body.replace(at, from.size(), to);
}

} // namespace

BOOST_AUTO_TEST_SUITE(decision_parsing)

BOOST_AUTO_TEST_CASE(a_v3_decision_is_typed_and_keeps_what_it_does_not_type) {
    auto d = parse_ok(v3_decision, api_generation::v3);
    BOOST_TEST(d.session_id == "11111111-2222-3333-4444-555555555555");
    BOOST_TEST((d.status == session_status::in_review));
    BOOST_TEST(d.session_number.value_or(0) == 1043);
    BOOST_TEST(d.vendor_data.value_or("") == "user-42");
    BOOST_TEST(d.features.size() == 6u); // unknown feature names are kept
    BOOST_TEST(d.metadata.at("plan").as_string() == "gold");
    BOOST_TEST(d.raw.at("brand_new_top_level_field").at("anything").as_array().size() == 3u);
    BOOST_REQUIRE(d.reviews.size() == 1u);
    BOOST_TEST((d.reviews[0].new_status->value == session_status::in_review)); // enum form
    BOOST_TEST(!d.reviews[0].comment.has_value());

    BOOST_REQUIRE(d.id_verifications.size() == 1u);
    const auto& id = d.id_verifications[0];
    BOOST_TEST(id.node_id.value_or("") == "feature_ocr");
    BOOST_TEST((id.status == feature_status::approved));
    BOOST_TEST((id.document_type->value == didit::document_type::identity_card));
    BOOST_TEST(id.first_name.value_or("") == "José");
    BOOST_TEST(id.place_of_birth.value_or("") == "北京");
    BOOST_TEST(id.age.value_or(0) == 36);
    BOOST_TEST(!id.personal_number.has_value());
    BOOST_TEST(id.raw.at("mrz").at("surname").as_string() == "MULLER");

    BOOST_REQUIRE(d.liveness_checks.size() == 1u);
    BOOST_TEST((d.liveness_checks[0].method->value == didit::liveness_method::other));
    BOOST_TEST(d.liveness_checks[0].method->text == "FACE_SCAN_4D");
    BOOST_TEST(d.liveness_checks[0].score.value_or(0) == 89.92);

    BOOST_REQUIRE(d.face_matches.size() == 1u);
    BOOST_TEST(d.face_matches[0].score.value_or(0) == 42.0); // an integer where a float is usual
    BOOST_REQUIRE(d.face_matches[0].warnings.size() == 1u);
    BOOST_TEST(d.face_matches[0].warnings[0].risk.value_or("") == "LOW_FACE_MATCH_SIMILARITY");
    BOOST_TEST((d.face_matches[0].warnings[0].log_type->value == didit::warning_level::warning));

    BOOST_REQUIRE(d.aml_screenings.size() == 1u);
    const auto& aml = d.aml_screenings[0];
    BOOST_TEST((aml.status == feature_status::other));
    BOOST_TEST(aml.status.text == "Awaiting Oracle");
    BOOST_TEST(aml.warnings.empty()); // null
    BOOST_REQUIRE(aml.hits.size() == 1u);
    BOOST_TEST(aml.hits[0].datasets.size() == 1u); // null and 7 are not dataset names
    BOOST_TEST(!aml.hits[0].url.has_value());

    BOOST_REQUIRE(d.ip_analyses.size() == 1u);
    BOOST_TEST(d.ip_analyses[0].ip_state.value_or("") == "Madrid"); // from ip_region
    BOOST_TEST((d.ip_analyses[0].is_vpn_or_tor == std::optional<bool>{false}));
    BOOST_TEST(!d.ip_analyses[0].is_data_center.has_value());
    BOOST_REQUIRE(d.phone_verifications.size() == 1u);
    BOOST_TEST(d.phone_verifications[0].value.value_or("") == "+34600000000");
    BOOST_TEST(d.nfc_verifications.empty());
    BOOST_TEST(d.email_verifications.empty());
    BOOST_TEST(!d.kyc.has_value()); // v1 parts stay empty
}

BOOST_AUTO_TEST_CASE(a_v1_decision_fills_the_singular_objects) {
    auto d = parse_ok(v1_decision, api_generation::v1);
    BOOST_TEST((d.generation == api_generation::v1));
    BOOST_TEST((d.status == session_status::declined));
    BOOST_TEST(!d.vendor_data.has_value());
    BOOST_TEST(d.v1_features.value_or("") == "OCR + FACE");
    BOOST_TEST(d.features.empty()); // the v3 list; v1 says it in a string
    BOOST_REQUIRE(d.kyc.has_value());
    BOOST_TEST((d.kyc->document_type->value == didit::document_type::passport));
    BOOST_TEST((d.kyc->is_nfc_verified == std::optional<bool>{false}));
    BOOST_TEST(!d.kyc->last_name.has_value());
    BOOST_TEST(!d.aml.has_value());
    BOOST_REQUIRE(d.face.has_value());
    BOOST_TEST((d.face->status == feature_status::declined));
    BOOST_TEST((d.face->liveness_status->value == feature_status::approved));
    BOOST_TEST(d.face->face_match_similarity.value_or(0) == 42.5);
    BOOST_TEST(d.face->raw.at("gender_estimation").at("male").as_double() == 0.97);
    BOOST_REQUIRE(d.location.has_value());
    BOOST_TEST((d.location->is_vpn_or_tor == std::optional<bool>{true}));
    BOOST_REQUIRE(d.warnings.size() == 1u);
    BOOST_TEST(d.id_verifications.empty());
}

BOOST_AUTO_TEST_CASE(optional_fields_of_an_unexpected_type_are_left_empty) {
    auto d = parse_ok(v3_with(R"("document_number": "X1234567")", R"("document_number": 1234567)"),
                      api_generation::v3);
    BOOST_TEST(!d.id_verifications.at(0).document_number.has_value());
    BOOST_TEST(d.id_verifications.at(0).raw.at("document_number").as_int64() == 1234567);
}

BOOST_AUTO_TEST_CASE(a_required_field_of_the_wrong_type_is_refused_naming_its_path) {
    auto message =
        refusal(v3_with(R"("status": "Declined")", R"("status": 7)"), api_generation::v3);
    BOOST_TEST(message.find("face_matches[0].status must be a string (got number)") !=
                   std::string::npos,
               message);
    message = refusal(
        v3_with(R"("session_id": "11111111-2222-3333-4444-555555555555")", R"("session_id": null)"),
        api_generation::v3);
    BOOST_TEST(message.find("session_id must be a non-empty string (got null)") != std::string::npos,
               message);
    message =
        refusal(v3_with(R"("node_id": "feature_liveness")", R"("node_id": 5)"), api_generation::v3);
    BOOST_TEST(message.find("liveness_checks[0].node_id must be a string (got number)") !=
                   std::string::npos,
               message);
}

BOOST_AUTO_TEST_CASE(a_container_of_the_wrong_type_is_refused_naming_its_path) {
    auto message = refusal(v3_with(R"("nfc_verifications": null)", R"("nfc_verifications": {})"),
                           api_generation::v3);
    BOOST_TEST(message.find("nfc_verifications must be an array (got object)") != std::string::npos,
               message);
    message = refusal(v3_with(R"("warnings": null)", R"("warnings": [1])"), api_generation::v3);
    BOOST_TEST(message.find("aml_screenings[0].warnings[0] must be an object (got number)") !=
                   std::string::npos,
               message);
    std::string v1{v1_decision};
    v1.replace(v1.find(R"("aml": null)"), 11, R"("aml": "none")");
    message = refusal(v1, api_generation::v1);
    BOOST_TEST(message.find("aml must be an object (got string)") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(bodies_that_are_not_decisions_are_refused) {
    BOOST_TEST(refusal("[]", api_generation::v3).find("must be an object") != std::string::npos);
    BOOST_TEST(refusal("{\"session_id\":", api_generation::v3).find("not valid JSON") !=
               std::string::npos);
    std::string deep(100, '[');
    BOOST_TEST(!refusal(deep + std::string(100, ']'), api_generation::v1).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_names)

BOOST_AUTO_TEST_CASE(display_and_enum_forms_are_the_same_status) {
    for (auto text : {"In Review", "IN_REVIEW", "in review"})
        BOOST_TEST((didit::parse_session_status(text) == session_status::in_review), text);
    BOOST_TEST((didit::parse_session_status("KYC_EXPIRED") == session_status::kyc_expired));
    BOOST_TEST((didit::parse_feature_status("RESUB_REQUESTED") == feature_status::resub_requested));
    auto unknown = didit::parse_session_status("Under Audit");
    BOOST_TEST((unknown == session_status::other));
    BOOST_TEST(unknown.text == "Under Audit");
    BOOST_TEST(didit::to_string(session_status::kyc_expired) == "Kyc Expired");
    BOOST_TEST(didit::to_string(session_status::other).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(session_listing)

BOOST_AUTO_TEST_CASE(a_page_of_rows_is_typed) {
    constexpr std::string_view body = R"({"count": 120,
      "next": "https://verification.didit.me/v3/sessions/?limit=2&offset=2", "previous": null,
      "results": [
        {"session_id": "s-2", "session_kind": "user", "session_number": 1002, "status": "APPROVED",
         "vendor_data": "u-2", "document_type": "Passport", "full_name": "Ana",
         "features": [{"feature": "ID_VERIFICATION", "status": "Approved"}, {"feature": "X"}],
         "phone_number": {"number": "+34600", "is_verified": true}, "email_address": null,
         "additional_details": {"aml": {"total_hits": 0}}},
        {"session_id": "s-1", "status": "Not Started", "portrait_image": null}]})";
    didit::diagnostics diag;
    auto page = didit::detail::parse_session_page(body, diag);
    BOOST_REQUIRE_MESSAGE(page.has_value(), diag.message);
    BOOST_TEST(page->count == 120u);
    BOOST_TEST(page->next.has_value());
    BOOST_TEST(!page->previous.has_value());
    BOOST_REQUIRE(page->results.size() == 2u);
    const auto& row = page->results[0];
    BOOST_TEST((row.status == session_status::approved));
    BOOST_TEST(row.session_number.value_or(0) == 1002);
    BOOST_REQUIRE(row.features.size() == 2u);
    BOOST_TEST((row.features[1].status == feature_status::other));
    BOOST_TEST((row.phone_verified == std::optional<bool>{true}));
    BOOST_TEST(!row.email_address.has_value());
    BOOST_TEST(row.raw.at("additional_details").at("aml").at("total_hits").as_int64() == 0);
    BOOST_TEST((page->results[1].status == session_status::not_started));
}

BOOST_AUTO_TEST_CASE(a_malformed_page_names_the_bad_field) {
    didit::diagnostics diag;
    auto page = didit::detail::parse_session_page(R"({"count": "many", "results": []})", diag);
    BOOST_TEST(!page.has_value());
    BOOST_TEST(diag.message.find("count") != std::string::npos, diag.message);
    page = didit::detail::parse_session_page(R"({"count": 1, "results": [{"status": "Approved"}]})",
                                             diag = {});
    BOOST_TEST(!page.has_value());
    BOOST_TEST(diag.message.find("results[0].session_id must be a non-empty string") != std::string::npos,
               diag.message);
}

BOOST_AUTO_TEST_SUITE_END()
