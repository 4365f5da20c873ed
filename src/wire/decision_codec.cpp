#include "wire/decision_codec.hpp"

#include "wire/decision_enums.hpp"

#include <didit/error.hpp>

#include <boost/json/parse.hpp>

namespace didit::detail {

namespace json = boost::json;

namespace {

/// A check's status: absent in partial decisions (webhooks), but never of another type.
open_enum<feature_status> check_status(const field_reader& in) {
    return parse_feature_status(in.strict_text("status").value_or(""));
}

risk_warning read_warning(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.text("feature"),
            in.text("risk"),
            in.choice<warning_level>("log_type", &parse_warning_level),
            in.text("short_description"),
            in.text("long_description"),
            in.strict_text("node_id"),
            in.value("additional_data"),
            value};
}

std::vector<risk_warning> warnings_of(const field_reader& in) {
    return in.list<risk_warning>("warnings", &read_warning);
}

review read_review(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.text("user"), in.choice<session_status>("new_status", &parse_session_status),
            in.text("comment"), in.text("created_at"), value};
}

/// Reads the fields of an identity document; v3 items and v1's `kyc` share them.
id_verification read_id_verification(const json::value& value, std::string path,
                                     read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    id_verification out;
    out.node_id = in.strict_text("node_id");
    out.status = check_status(in);
    out.ocr_status = in.text("ocr_status");
    out.epassport_status = in.text("epassport_status");
    out.is_nfc_verified = in.boolean("is_nfc_verified");
    out.document_type = in.choice<document_type>("document_type", &parse_document_type);
    out.document_subtype = in.text("document_subtype");
    out.document_number = in.text("document_number");
    out.personal_number = in.text("personal_number");
    out.portrait_image = in.text("portrait_image");
    out.front_image = in.text("front_image");
    out.back_image = in.text("back_image");
    out.full_front_image = in.text("full_front_image");
    out.full_back_image = in.text("full_back_image");
    out.date_of_birth = in.text("date_of_birth");
    out.age = in.integer("age");
    out.expiration_date = in.text("expiration_date");
    out.date_of_issue = in.text("date_of_issue");
    out.issuing_state = in.text("issuing_state");
    out.issuing_state_name = in.text("issuing_state_name");
    out.first_name = in.text("first_name");
    out.last_name = in.text("last_name");
    out.full_name = in.text("full_name");
    out.gender = in.text("gender");
    out.address = in.text("address");
    out.formatted_address = in.text("formatted_address");
    out.place_of_birth = in.text("place_of_birth");
    out.marital_status = in.text("marital_status");
    out.nationality = in.text("nationality");
    out.warnings = warnings_of(in);
    out.raw = value;
    return out;
}

nfc_verification read_nfc(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    auto chip = in.nested("chip_data");
    auto authenticity = in.nested("authenticity");
    auto certificate = in.nested("certificate_summary");
    return {in.strict_text("node_id"),
            check_status(in),
            in.text("portrait_image"),
            in.text("signature_image"),
            chip.text("document_number"),
            chip.text("first_name"),
            chip.text("last_name"),
            chip.text("expiration_date"),
            authenticity.boolean("sod_integrity"),
            authenticity.boolean("dg_integrity"),
            certificate.text("issuer"),
            warnings_of(in),
            value};
}

liveness_check read_liveness(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.strict_text("node_id"),
            check_status(in),
            in.choice<liveness_method>("method", &parse_liveness_method),
            in.number("score"),
            in.text("reference_image"),
            in.text("video_url"),
            in.number("age_estimation"),
            warnings_of(in),
            value};
}

face_match read_face_match(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.strict_text("node_id"), check_status(in),
            in.number("score"),        in.text("source_image_session_id"),
            in.text("source_image"),   in.text("target_image"),
            warnings_of(in),           value};
}

aml_hit read_aml_hit(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.text("id"),         in.text("url"),       in.boolean("match"),
            in.number("score"),    in.text("caption"),   in.texts("datasets"),
            in.text("first_seen"), in.text("last_seen"), value};
}

aml_screening read_aml(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {in.strict_text("node_id"),
            check_status(in),
            in.integer("total_hits"),
            in.number("score"),
            in.choice<entity_type>("entity_type", &parse_entity_type),
            in.list<aml_hit>("hits", &read_aml_hit),
            warnings_of(in),
            value};
}

ip_analysis read_ip_analysis(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    ip_analysis out;
    out.node_id = in.strict_text("node_id");
    out.status = check_status(in);
    out.ip_address = in.text("ip_address");
    out.ip_country = in.text("ip_country");
    out.ip_country_code = in.text("ip_country_code");
    out.ip_state = in.text("ip_state");
    if (!out.ip_state)
        out.ip_state = in.text("ip_region");
    out.ip_city = in.text("ip_city");
    out.latitude = in.number("latitude");
    out.longitude = in.number("longitude");
    out.isp = in.text("isp");
    out.organization = in.text("organization");
    out.is_vpn_or_tor = in.boolean("is_vpn_or_tor");
    out.is_data_center = in.boolean("is_data_center");
    out.time_zone = in.text("time_zone");
    out.device_brand = in.text("device_brand");
    out.device_model = in.text("device_model");
    out.browser_family = in.text("browser_family");
    out.os_family = in.text("os_family");
    out.platform = in.text("platform");
    out.warnings = warnings_of(in);
    out.raw = value;
    return out;
}

/// Reads phone, email and POA checks; `value_key` names the field that identifies the contact.
auto contact_reader(std::string_view value_key) {
    return [value_key](const json::value& value, std::string path, read_problem& problem) {
        field_reader in{value, std::move(path), problem};
        return contact_check{in.strict_text("node_id"), check_status(in), in.text(value_key),
                             warnings_of(in), value};
    };
}

v1_face read_v1_face(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    return {check_status(in),
            in.choice<feature_status>("face_match_status", &parse_feature_status),
            in.choice<feature_status>("liveness_status", &parse_feature_status),
            in.number("face_match_similarity"),
            in.number("liveness_confidence"),
            in.text("source_image"),
            in.text("target_image"),
            in.text("video_url"),
            in.number("age_estimation"),
            value};
}

void read_v3_parts(const field_reader& in, decision& out) {
    out.session_kind = in.text("session_kind");
    out.workflow_id = in.text("workflow_id");
    out.features = in.texts("features");
    out.metadata = in.value("metadata");
    out.id_verifications = in.list<id_verification>("id_verifications", &read_id_verification);
    out.nfc_verifications = in.list<nfc_verification>("nfc_verifications", &read_nfc);
    out.liveness_checks = in.list<liveness_check>("liveness_checks", &read_liveness);
    out.face_matches = in.list<face_match>("face_matches", &read_face_match);
    out.aml_screenings = in.list<aml_screening>("aml_screenings", &read_aml);
    out.ip_analyses = in.list<ip_analysis>("ip_analyses", &read_ip_analysis);
    out.phone_verifications =
        in.list<contact_check>("phone_verifications", contact_reader("full_number"));
    out.email_verifications =
        in.list<contact_check>("email_verifications", contact_reader("email"));
    out.poa_verifications =
        in.list<contact_check>("poa_verifications", contact_reader("document_type"));
}

void read_v1_parts(const field_reader& in, decision& out) {
    out.v1_features = in.text("features");
    out.kyc = in.object<id_verification>("kyc", &read_id_verification);
    out.aml = in.object<aml_screening>("aml", &read_aml);
    out.face = in.object<v1_face>("face", &read_v1_face);
    out.location = in.object<ip_analysis>("location", &read_ip_analysis);
}

session_summary read_summary(const json::value& value, std::string path, read_problem& problem) {
    field_reader in{value, std::move(path), problem};
    session_summary out;
    out.session_id = in.required_text("session_id");
    out.status = parse_session_status(in.required_text("status"));
    out.session_number = in.integer("session_number");
    out.session_kind = in.text("session_kind");
    out.session_url = in.text("session_url");
    out.vendor_data = in.text("vendor_data");
    out.full_name = in.text("full_name");
    out.country = in.text("country");
    out.document_type = in.choice<document_type>("document_type", &parse_document_type);
    out.portrait_image = in.text("portrait_image");
    out.didit_internal_id = in.text("didit_internal_id");
    out.created_at = in.text("created_at");
    out.features = in.list<session_summary::feature_state>(
        "features", [](const json::value& item, std::string at, read_problem& p) {
            field_reader feature{item, std::move(at), p};
            return session_summary::feature_state{
                feature.text("feature").value_or(""),
                parse_feature_status(feature.text("status").value_or(""))};
        });
    auto phone = in.nested("phone_number");
    out.phone_number = phone.text("number");
    out.phone_verified = phone.boolean("is_verified");
    auto email = in.nested("email_address");
    out.email_address = email.text("email");
    out.email_verified = email.boolean("is_verified");
    out.company_name = in.text("company_name");
    out.registration_number = in.text("registration_number");
    out.raw = value;
    return out;
}

/// Parses `body` into `into`; false with the reason in diag.message when it is not JSON.
bool parse_body(std::string_view body, json::value& into, diagnostics& diag) {
    boost::system::error_code ec;
    into = json::parse(body, ec);
    if (ec) {
        diag.message = "the response body is not valid JSON: " + ec.message();
        return false;
    }
    return true;
}

} // namespace

decision read_decision(const json::value& value, api_generation generation, std::string path,
                       read_problem& problem, const decision_envelope& envelope) {
    field_reader in{value, std::move(path), problem};
    decision out;
    out.generation = generation;
    auto text_or = [&](std::string_view key, std::string_view fallback) {
        auto found = in.text(key);
        if (found && !found->empty())
            return *found;
        return fallback.empty() ? in.required_text(key) : std::string{fallback};
    };
    out.session_id = text_or("session_id", envelope.session_id);
    out.status = parse_session_status(text_or("status", envelope.status));
    out.session_number = in.integer("session_number");
    out.session_url = in.text("session_url");
    out.vendor_data = in.text("vendor_data");
    out.callback = in.text("callback");
    out.created_at = in.text("created_at");
    out.warnings = warnings_of(in);
    out.reviews = in.list<review>("reviews", &read_review);
    if (generation == api_generation::v3)
        read_v3_parts(in, out);
    else
        read_v1_parts(in, out);
    out.raw = value;
    return out;
}

boost::system::result<decision> parse_decision(std::string_view body, api_generation generation,
                                               diagnostics& diag) {
    json::value parsed;
    if (!parse_body(body, parsed, diag))
        return error_code{error::invalid_response};
    read_problem problem;
    auto result = read_decision(parsed, generation, {}, problem);
    if (problem) {
        diag.message = "malformed decision: " + problem.message;
        return error_code{error::invalid_response};
    }
    return result;
}

boost::system::result<session_page> parse_session_page(std::string_view body, diagnostics& diag) {
    json::value parsed;
    if (!parse_body(body, parsed, diag))
        return error_code{error::invalid_response};
    read_problem problem;
    field_reader in{parsed, {}, problem};
    session_page page;
    auto count = in.integer("count");
    if (!count || *count < 0) {
        auto given = in.value("count");
        problem.set("count", "must be a non-negative integer", &given);
    } else {
        page.count = static_cast<std::uint64_t>(*count);
    }
    page.next = in.text("next");
    page.previous = in.text("previous");
    if (auto results = in.value("results"); results.is_array())
        page.results = in.list<session_summary>("results", &read_summary);
    else
        problem.set("results", "must be an array", &results);
    if (problem) {
        diag.message = "malformed session list: " + problem.message;
        return error_code{error::invalid_response};
    }
    return page;
}

} // namespace didit::detail
