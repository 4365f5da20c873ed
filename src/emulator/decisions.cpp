#include "decisions.hpp"

#include <boost/json/array.hpp>

namespace didit::emulator::detail {

namespace json = boost::json;

namespace {

/// The person every emulated session verifies; names are not ASCII so that clients and
/// webhook signatures meet real-world text.
constexpr std::string_view first_name = "José";
constexpr std::string_view last_name = "Müller-Ünlü";
constexpr std::string_view full_name = "José Müller-Ünlü";
constexpr std::string_view issuing_state = "ESP";

bool finished(const session_record& session) {
    return !session.outcome.empty();
}

/// What one check concluded, given how the person's session ended.
struct check_outcomes {
    std::string_view id = "Approved";
    std::string_view liveness = "Approved";
    std::string_view face = "Approved";
    std::string_view aml = "Approved";
};

check_outcomes outcomes_of(const session_record& session) {
    check_outcomes out;
    if (session.outcome == "Declined")
        out.face = "Declined";
    if (session.outcome == "In Review")
        out.aml = "In Review";
    return out;
}

json::object warning(std::string_view feature, std::string_view risk, std::string_view text,
                     std::string_view node_id) {
    json::object out{{"feature", feature},         {"risk", risk},
                     {"additional_data", nullptr}, {"log_type", "warning"},
                     {"short_description", text},  {"long_description", text}};
    if (!node_id.empty()) // v1 warnings belong to no workflow node
        out["node_id"] = node_id;
    return out;
}

json::object id_document(const session_record& session, std::string_view status) {
    return {{"status", status},
            {"document_type", "Passport"},
            {"document_number", "PAA123456"},
            {"personal_number", nullptr},
            {"portrait_image", "https://media.didit.me/" + session.session_id + "/portrait.jpg"},
            {"front_image", "https://media.didit.me/" + session.session_id + "/front.jpg"},
            {"back_image", nullptr},
            {"date_of_birth", "1990-05-17"},
            {"expiration_date", "2031-02-01"},
            {"date_of_issue", "2021-02-01"},
            {"issuing_state", issuing_state},
            {"issuing_state_name", "Spain"},
            {"first_name", first_name},
            {"last_name", last_name},
            {"full_name", full_name},
            {"gender", "M"},
            {"address", nullptr},
            {"place_of_birth", "Madrid"},
            {"marital_status", "UNKNOWN"},
            {"nationality", "ESP"}};
}

json::object aml_result(std::string_view status, std::string_view node_id) {
    bool hit = status == "In Review";
    json::array hits;
    if (hit)
        hits.push_back(json::object{{"id", "emulated-hit-1"},
                                    {"url", "https://example.org/lists/emulated-hit-1"},
                                    {"match", false},
                                    {"score", 0.72},
                                    {"caption", full_name},
                                    {"datasets", json::array{"PEP"}},
                                    {"first_seen", "2020-01-01T00:00:00"},
                                    {"last_seen", "2026-01-01T00:00:00"}});
    json::array warnings;
    if (hit)
        warnings.push_back(
            warning("AML", "POSSIBLE_MATCH_FOUND", "A possible match was found.", node_id));
    return {{"status", status},
            {"total_hits", hits.size()},
            {"score", hit ? 72.0 : 0.0},
            {"entity_type", "person"},
            {"hits", std::move(hits)},
            {"warnings", std::move(warnings)},
            {"screened_data", {{"full_name", full_name}, {"date_of_birth", "1990-05-17"}}}};
}

json::object ip_result() {
    return {
        {"status", "Approved"},    {"ip_address", "203.0.113.7"}, {"ip_country", "Spain"},
        {"ip_country_code", "ES"}, {"ip_state", "Madrid"},        {"ip_city", "Madrid"},
        {"latitude", 40.4165},     {"longitude", -3.70256},       {"isp", "Emulated ISP"},
        {"is_vpn_or_tor", false},  {"is_data_center", false},     {"time_zone", "Europe/Madrid"},
        {"device_brand", "Apple"}, {"device_model", "iPhone"},    {"browser_family", "Safari"},
        {"os_family", "iOS"},      {"platform", "mobile"}};
}

json::array reviews_of(const session_record& session) {
    json::array out;
    for (const auto& r : session.reviews)
        out.push_back(json::object{{"user", "reviewer@example.com"},
                                   {"new_status", r.new_status},
                                   {"comment", r.comment},
                                   {"created_at", r.created_at}});
    return out;
}

/// A v3 check list: null until it ran, then one item for the workflow's node.
json::value checks(const session_record& session, std::string_view node_id, json::object item) {
    if (!finished(session))
        return nullptr;
    item["node_id"] = node_id;
    if (!item.contains("warnings"))
        item["warnings"] = json::array{};
    return json::array{std::move(item)};
}

json::object v3_decision(const session_record& session) {
    auto outcomes = outcomes_of(session);
    json::object face{{"status", outcomes.face},
                      {"score", outcomes.face == "Declined" ? 42.5 : 96.15},
                      {"source_image_session_id", nullptr},
                      {"source_image", "https://media.didit.me/" + session.session_id + "/a.jpg"},
                      {"target_image", "https://media.didit.me/" + session.session_id + "/b.jpg"}};
    if (outcomes.face == "Declined")
        face["warnings"] = json::array{warning("FACE_MATCH", "LOW_FACE_MATCH_SIMILARITY",
                                               "The faces do not match.", "feature_face")};
    json::object out{
        {"session_id", session.session_id},
        {"session_number", session.session_number},
        {"session_url", session.session_url},
        {"status", session.status},
        {"session_kind", session.session_kind},
        {"environment", "live"},
        {"workflow_id", session.workflow_id},
        {"features",
         json::array{"ID_VERIFICATION", "LIVENESS", "FACE_MATCH", "AML", "IP_ANALYSIS"}},
        {"vendor_data",
         session.vendor_data.empty() ? json::value{} : json::value(session.vendor_data)},
        {"metadata", session.metadata},
        {"callback", session.callback.empty() ? json::value{} : json::value(session.callback)},
        {"expected_details", session.expected_details},
        {"contact_details", session.contact_details},
        {"created_at", session.created_at},
        {"reviews", reviews_of(session)},
        {"id_verifications", checks(session, "feature_ocr", id_document(session, outcomes.id))},
        {"nfc_verifications", nullptr},
        {"liveness_checks", checks(session, "feature_liveness",
                                   {{"status", outcomes.liveness},
                                    {"method", "PASSIVE"},
                                    {"score", 89.92},
                                    {"age_estimation", 35.2},
                                    {"reference_image", nullptr},
                                    {"video_url", nullptr}})},
        {"face_matches", checks(session, "feature_face", std::move(face))},
        {"aml_screenings", checks(session, "feature_aml", aml_result(outcomes.aml, "feature_aml"))},
        {"ip_analyses", checks(session, "feature_ip", ip_result())},
        {"phone_verifications", nullptr},
        {"email_verifications", nullptr},
        {"poa_verifications", nullptr},
        {"database_validations", nullptr},
    };
    return out;
}

json::object v1_decision(const session_record& session) {
    auto outcomes = outcomes_of(session);
    const auto& features = session.features.empty() ? std::string{"OCR + FACE"} : session.features;
    bool has_face = features.find("FACE") != std::string::npos;
    bool has_aml = features.find("AML") != std::string::npos;
    bool has_nfc = features.find("NFC") != std::string::npos;
    json::value kyc, aml, face, location;
    json::array warnings;
    if (finished(session)) {
        auto document = id_document(session, outcomes.id);
        document["ocr_status"] = outcomes.id;
        document["epassport_status"] = has_nfc ? "Approved" : "Not Finished";
        document["is_nfc_verified"] = has_nfc;
        document["created_at"] = session.created_at;
        kyc = std::move(document);
        if (has_aml) {
            auto screening = aml_result(outcomes.aml, "");
            screening.erase("warnings");
            aml = std::move(screening);
        }
        if (has_face)
            face =
                json::object{{"status", outcomes.face},
                             {"face_match_status", outcomes.face},
                             {"liveness_status", outcomes.liveness},
                             {"face_match_similarity", outcomes.face == "Declined" ? 42.5 : 96.15},
                             {"liveness_confidence", 89.92},
                             {"source_image", nullptr},
                             {"target_image", nullptr},
                             {"video_url", nullptr},
                             {"age_estimation", 35.2},
                             {"gender_estimation", {{"male", 0.97}, {"female", 0.03}}}};
        location = ip_result();
        if (outcomes.face == "Declined" && has_face)
            warnings.push_back(
                warning("FACE", "LOW_FACE_MATCH_SIMILARITY", "The faces do not match.", ""));
    }
    return {{"session_id", session.session_id},
            {"session_number", session.session_number},
            {"session_url", session.session_url},
            {"status", session.status},
            {"vendor_data",
             session.vendor_data.empty() ? json::value{} : json::value(session.vendor_data)},
            {"callback", session.callback},
            {"features", features},
            {"kyc", std::move(kyc)},
            {"aml", std::move(aml)},
            {"face", std::move(face)},
            {"location", std::move(location)},
            {"warnings", std::move(warnings)},
            {"reviews", reviews_of(session)},
            {"extra_images", json::array{}},
            {"created_at", session.created_at}};
}

} // namespace

json::object decision_json(const session_record& session, api_generation generation) {
    return generation == api_generation::v3 ? v3_decision(session) : v1_decision(session);
}

json::object list_row_json(const session_record& session) {
    bool done = finished(session);
    if (session.session_kind == "business") // a KYB row (API reference 2.5)
        return {{"session_id", session.session_id},
                {"session_kind", "business"},
                {"session_number", session.session_number},
                {"session_url", session.session_url},
                {"status", session.status},
                {"vendor_data",
                 session.vendor_data.empty() ? json::value{} : json::value(session.vendor_data)},
                {"workflow_type", "kyb"},
                {"workflow_label", "Business verification"},
                {"company_name", done ? json::value("Emulated Holdings Ltd") : json::value{}},
                {"registration_number", done ? json::value("HRB 123456") : json::value{}},
                {"country", done ? json::value("DEU") : json::value{}},
                {"created_at", session.created_at}};
    auto outcomes = outcomes_of(session);
    auto feature = [&](std::string_view name, std::string_view status) {
        return json::object{{"feature", name}, {"status", done ? status : "Not Finished"}};
    };
    return {
        {"session_id", session.session_id},
        {"session_kind", "user"},
        {"session_number", session.session_number},
        {"session_url", session.session_url},
        {"portrait_image", nullptr},
        {"document_type", done ? json::value("Passport") : json::value{}},
        {"full_name", done ? json::value(full_name) : json::value{}},
        {"country", done ? json::value(issuing_state) : json::value{}},
        {"status", session.status},
        {"vendor_data",
         session.vendor_data.empty() ? json::value{} : json::value(session.vendor_data)},
        {"didit_internal_id", nullptr},
        {"created_at", session.created_at},
        {"features",
         json::array{feature("ID_VERIFICATION", outcomes.id),
                     feature("LIVENESS", outcomes.liveness), feature("FACE_MATCH", outcomes.face),
                     feature("AML", outcomes.aml)}},
        {"phone_number", nullptr},
        {"email_address", nullptr},
        {"additional_details", nullptr},
    };
}

std::string_view document_country(const session_record& session) {
    return finished(session) ? issuing_state : std::string_view{};
}

bool search_matches(const session_record& session, std::string_view text) {
    return session.vendor_data.find(text) != std::string::npos ||
           (finished(session) && full_name.find(text) != std::string_view::npos);
}

} // namespace didit::emulator::detail
