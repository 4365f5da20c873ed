#include "checks.hpp"

#include "random_ids.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <optional>

namespace didit::emulator::detail {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::uint64_t mebibytes(std::uint64_t n) {
    return n * 1024 * 1024;
}

/// One image or document check: its result key, its files and their limits.
struct image_check {
    std::string_view path;
    std::string_view feature;   ///< the result's key
    std::string_view primary;   ///< the required file whose bytes carry the magic value
    std::string_view secondary; ///< a second required file, or empty
    std::uint64_t max_bytes;
    std::string_view decline; ///< the warning a declined check carries
};

constexpr std::array<image_check, 7> image_checks{{
    {"/v3/id-verification/", "id_verification", "front_image", "", mebibytes(5),
     "DOCUMENT_EXPIRED"},
    {"/v3/passive-liveness/", "liveness", "user_image", "", mebibytes(5), "LOW_LIVENESS_SCORE"},
    {"/v3/face-match/", "face_match", "user_image", "ref_image", mebibytes(5),
     "LOW_FACE_MATCH_SIMILARITY"},
    {"/v3/face-search/", "face_search", "user_image", "", mebibytes(5), "FACE_IN_BLOCKLIST"},
    {"/v3/age-estimation/", "age_estimation", "user_image", "", mebibytes(5), "AGE_BELOW_MINIMUM"},
    {"/v3/poa/", "poa", "document", "", mebibytes(15), "POA_DOCUMENT_EXPIRED"},
    {"/v3/document-ai/", "document_ai", "document", "", mebibytes(30), "NAME_MISMATCH"},
}};

constexpr std::array<std::string_view, 10> json_checks{
    "/v3/database-validation/", "/v3/aml/",        "/v3/email/send/",
    "/v3/email/check/",         "/v3/phone/send/", "/v3/phone/check/",
    "/v3/kyb/search/",          "/v3/kyb/select/", "/v3/wallet-screening/",
    "/v3/transactions/screen/",
};

const image_check* image_check_at(std::string_view path) {
    for (const auto& check : image_checks)
        if (check.path == path)
            return &check;
    return nullptr;
}

/// A request's fields, from a form or a JSON object alike.
class inputs {
public:
    inputs(const http_request& request, const form_parser* form) : form_(form) {
        if (form == nullptr) {
            boost::system::error_code ec;
            body_ = json::parse(request.body(), ec);
            if (ec)
                body_ = nullptr;
        }
    }

    bool readable() const { return form_ != nullptr || body_.is_object(); }

    std::optional<std::string> text(std::string_view name) const {
        if (form_ != nullptr) {
            auto part = form_->find(name);
            if (part == nullptr || part->file_name)
                return std::nullopt;
            return part->content;
        }
        auto found = body_.get_object().if_contains(name);
        if (found == nullptr || found->is_null())
            return std::nullopt;
        if (found->is_string())
            return std::string{found->get_string()};
        return json::serialize(*found);
    }

    const form_part* file(std::string_view name) const {
        if (form_ == nullptr)
            return nullptr;
        auto part = form_->find(name);
        return part != nullptr && part->file_name ? part : nullptr;
    }

    json::value vendor_data() const {
        auto value = text("vendor_data");
        return value ? json::value(*value) : json::value(nullptr);
    }

    json::value metadata() const {
        auto value = text("metadata");
        if (!value)
            return nullptr;
        boost::system::error_code ec;
        auto parsed = json::parse(*value, ec);
        return ec ? json::value(*value) : parsed;
    }

private:
    const form_parser* form_;
    json::value body_;
};

/// DRF's answer to a field that failed validation.
json::object warning(std::string_view code, std::string_view feature, std::string_view log_type) {
    return {{"risk", code},
            {"log_type", log_type},
            {"short_description", code},
            {"long_description", "The emulator's magic value asked for " + std::string{code}},
            {"additional_data", nullptr},
            {"feature", feature}};
}

enum class verdict { approve, review, decline, no_face };

verdict verdict_of(const form_part& file) {
    const auto& bytes = file.content;
    if (bytes.starts_with("DECLINE"))
        return verdict::decline;
    if (bytes.starts_with("REVIEW"))
        return verdict::review;
    if (bytes.starts_with("NOFACE"))
        return verdict::no_face;
    return verdict::approve;
}

std::string_view status_of(verdict v) {
    switch (v) {
    case verdict::approve:
        return "Approved";
    case verdict::review:
        return "In Review";
    default:
        return "Declined";
    }
}

json::object face_image(double age) {
    return {{"entities", json::array{json::object{{"age", age},
                                                  {"bbox", json::array{40, 30, 220, 260}},
                                                  {"confidence", 0.97},
                                                  {"gender", "female"}}}},
            {"best_angle", 0}};
}

/// The feature object of an image or document check.
json::object image_result(const image_check& check, verdict v, const inputs& in) {
    json::object out{{"status", status_of(v)}};
    json::array warnings;
    if (v == verdict::decline)
        warnings.push_back(warning(check.decline, check.feature, "error"));
    else if (v == verdict::no_face)
        warnings.push_back(warning("NO_FACE_DETECTED", check.feature, "error"));
    else if (v == verdict::review)
        warnings.push_back(warning("POSSIBLE_DUPLICATED_USER", check.feature, "warning"));
    bool declined = v == verdict::decline || v == verdict::no_face;
    auto feature = check.feature;
    if (feature == "id_verification") {
        out.insert({{"document_type", "Identity Card"},
                    {"document_number", "CAA000000"},
                    {"first_name", "Ana"},
                    {"last_name", "García"},
                    {"full_name", "Ana García"},
                    {"date_of_birth", "1990-05-17"},
                    {"expiration_date", declined ? "2020-01-01" : "2031-01-01"},
                    {"issuing_state", "ESP"},
                    {"nationality", "ESP"},
                    {"mrz", in.file("back_image") ? json::value(json::object{{"surname", "GARCIA"}})
                                                  : json::value(nullptr)},
                    {"barcodes", json::array{}}});
    } else if (feature == "liveness" || feature == "face_match" || feature == "age_estimation") {
        out["score"] =
            v == verdict::no_face ? json::value(nullptr) : json::value(declined ? 12.5 : 93.4);
        out["user_image"] = face_image(declined ? 15.2 : 34.6);
        if (feature == "liveness") {
            out["method"] = "PASSIVE";
            out["face_quality"] = 88.1;
            out["face_luminance"] = 61.0;
        }
        if (feature == "face_match")
            out["ref_image"] = face_image(34.1);
        if (feature == "age_estimation")
            out["age_estimation"] =
                v == verdict::no_face ? json::value(nullptr) : json::value(declined ? 15.2 : 34.6);
    } else if (feature == "face_search") {
        json::array matches;
        if (declined)
            matches.push_back(json::object{{"session_id", random_uuid()},
                                           {"session_number", 1001},
                                           {"similarity_percentage", 97.2},
                                           {"source", "session"},
                                           {"vendor_data", nullptr},
                                           {"status", "Declined"},
                                           {"is_blocklisted", true},
                                           {"is_allowlisted", false}});
        out["total_matches"] = matches.size();
        out["matches"] = std::move(matches);
        out["user_image"] = face_image(34.6);
    } else if (feature == "poa") {
        out.insert({{"document_type", "UTILITY_BILL"},
                    {"document_subtype", "ELECTRICITY"},
                    {"issuer", "Emulated Power Co."},
                    {"issue_date", declined ? "2019-03-01" : "2026-11-01"},
                    {"name_on_document", "Ana García"},
                    {"poa_address", "Calle Mayor 1, 28013 Madrid"},
                    {"poa_parsed_address", json::object{{"city", "Madrid"}, {"country", "ESP"}}},
                    {"document_file", nullptr}});
    } else if (feature == "document_ai") {
        json::object extracted;
        boost::system::error_code ec;
        auto fields = json::parse(in.text("fields").value_or("[]"), ec);
        if (!ec && fields.is_array())
            for (const auto& field : fields.get_array())
                if (auto key = field.is_object() ? field.get_object().if_contains("key") : nullptr;
                    key && key->is_string())
                    extracted[key->get_string()] = "emulated";
        out["extracted_data"] = std::move(extracted);
    }
    out["warnings"] = std::move(warnings);
    return out;
}

http_response answer_image_check(const http_request& request, const image_check& check,
                                 const inputs& in, std::chrono::system_clock::time_point now) {
    for (auto name : {check.primary, check.secondary}) {
        if (name.empty())
            continue;
        auto file = in.file(name);
        if (file == nullptr)
            return field_error(request, name, "No file was submitted.");
        if (file->size > check.max_bytes)
            return field_error(request, name,
                               "File too large. The maximum is " +
                                   std::to_string(check.max_bytes / mebibytes(1)) + " MB.");
        if (file->size == 0)
            return field_error(request, name, "The submitted file is empty.");
    }
    if (check.feature == "document_ai") {
        auto fields = in.text("fields");
        boost::system::error_code ec;
        auto parsed = fields ? json::parse(*fields, ec) : json::value{};
        if (!fields)
            return field_error(request, "fields", "This field is required.");
        if (ec || !parsed.is_array() || parsed.get_array().empty() ||
            parsed.get_array().size() > 30)
            return field_error(request, "fields", "Must be a JSON array of 1 to 30 fields.");
    }
    auto v = verdict_of(*in.file(check.primary));
    return json_response(request, http::status::ok,
                         json::object{{"request_id", random_uuid()},
                                      {check.feature, image_result(check, v, in)},
                                      {"vendor_data", in.vendor_data()},
                                      {"metadata", in.metadata()},
                                      {"created_at", iso_time(now)}});
}

http_response answer_aml(const http_request& request, const inputs& in,
                         std::chrono::system_clock::time_point now) {
    auto name = in.text("full_name");
    if (!name || name->empty())
        return field_error(request, "full_name", "This field is required.");
    bool hit = name->find("Sanctioned") != std::string::npos;
    bool possible = name->find("Review") != std::string::npos;
    double score = hit ? 100.0 : possible ? 85.0 : 0.0;
    json::array hits;
    if (hit || possible)
        hits.push_back(json::object{{"id", random_uuid()},
                                    {"caption", *name},
                                    {"match_score", score},
                                    {"risk_score", score},
                                    {"review_status", "Unreviewed"},
                                    {"datasets", json::array{"Sanctions"}},
                                    {"pep_matches", json::array{}},
                                    {"sanction_matches", json::array{"EU-FSF"}},
                                    {"adverse_media_matches", json::array{}}});
    json::array warnings;
    if (hit || possible)
        warnings.push_back(warning("POSSIBLE_MATCH_FOUND", "AML", hit ? "error" : "warning"));
    json::object aml{{"status", hit        ? "Declined"
                                : possible ? "In Review"
                                           : "Approved"},
                     {"score", score},
                     {"total_hits", hits.size()},
                     {"entity_type", in.text("entity_type").value_or("person")},
                     {"hits", std::move(hits)},
                     {"screened_data", json::object{{"full_name", *name}}},
                     {"warnings", std::move(warnings)}};
    return json_response(request, http::status::ok,
                         json::object{{"request_id", random_uuid()},
                                      {"aml", std::move(aml)},
                                      {"vendor_data", in.vendor_data()},
                                      {"metadata", in.metadata()},
                                      {"created_at", iso_time(now)}});
}

/// Both shapes of API reference 7.2: the current one (a form) and the skill document's (JSON).
http_response answer_database_validation(const http_request& request, const inputs& in, bool form) {
    auto state = in.text("issuing_state");
    // The skill document's JSON has `id_number`; the current reference's fields may also come
    // as JSON (Didit's Node client sends them so).
    auto skill_shape = !form && in.text("id_number").has_value();
    auto number = in.text(skill_shape ? "id_number" : "document_number");
    if (!skill_shape && !state)
        return field_error(request, "issuing_state", "This field is required.");
    bool matched = !number || !number->starts_with("000");
    auto status = matched ? "Approved" : "Declined";
    auto match = matched ? "full_match" : "no_match";
    json::object validation{{"service_id", "emulated_registry"},
                            {"service_name", "Emulated registry"},
                            {"outcome_code", match},
                            {"source_data", nullptr},
                            {"validation", json::object{}}};
    if (!skill_shape)
        return json_response(request, http::status::ok,
                             json::object{{"request_id", random_uuid()},
                                          {"status", status},
                                          {"issuing_state", state.value_or("")},
                                          {"match_type", match},
                                          {"validations", json::array{std::move(validation)}}});
    return json_response(
        request, http::status::ok,
        json::object{
            {"request_id", random_uuid()},
            {"database_validation",
             json::object{{"status", status},
                          {"match_type", match},
                          {"issuing_state", state.value_or("")},
                          {"validation_type", "1x1"},
                          {"screened_data", json::object{{"id_number", number.value_or("")}}},
                          {"validations", json::object{}},
                          {"warnings", json::array{}}}}});
}

} // namespace

bool is_check_path(std::string_view path) {
    if (image_check_at(path) != nullptr)
        return true;
    for (auto known : json_checks)
        if (known == path)
            return true;
    return false;
}

bool check_takes_form(std::string_view path) {
    return image_check_at(path) != nullptr;
}

http_response check_desk::answer(const http_request& request, std::string_view path,
                                 const form_parser* form,
                                 std::chrono::system_clock::time_point now) {
    if (form != nullptr && !form->problem().empty())
        return detail_response(request, http::status::bad_request,
                               "Multipart form parse error - " + form->problem());
    inputs in{request, form};
    if (auto check = image_check_at(path)) {
        if (form == nullptr)
            return detail_response(request, http::status::unsupported_media_type,
                                   "Unsupported media type \"" +
                                       std::string{request[http::field::content_type]} +
                                       "\" in request.");
        return answer_image_check(request, *check, in, now);
    }
    if (path == "/v3/database-validation/") {
        if (!in.readable())
            return detail_response(request, http::status::bad_request, "JSON parse error.");
        return answer_database_validation(request, in, form != nullptr);
    }
    if (form != nullptr || !in.readable())
        return detail_response(request, http::status::bad_request,
                               "JSON parse error - the body is not a JSON object.");
    if (path == "/v3/aml/")
        return answer_aml(request, in, now);
    if (path.starts_with("/v3/email/") || path.starts_with("/v3/phone/"))
        return one_time_code(request, path, now);
    // KYB registry search and wallet screening, for Didit's own clients: a plain approval.
    return json_response(request, http::status::ok,
                         json::object{{"request_id", random_uuid()},
                                      {"status", "Approved"},
                                      {"results", json::array{}},
                                      {"created_at", iso_time(now)}});
}

http_response check_desk::one_time_code(const http_request& request, std::string_view path,
                                        std::chrono::system_clock::time_point now) {
    inputs in{request, nullptr};
    bool email = path.starts_with("/v3/email/");
    auto key_field = email ? "email" : "phone_number";
    auto address = in.text(key_field);
    if (!address || address->empty())
        return field_error(request, key_field, "This field is required.");
    auto key = std::string{email ? "email:" : "phone:"} + *address;
    if (path.ends_with("/send/")) {
        bool unreachable =
            email ? address->ends_with("@undeliverable.test") : address->ends_with("0000");
        if (unreachable)
            return json_response(request, http::status::ok,
                                 json::object{{"request_id", random_uuid()},
                                              {"status", email ? "Undeliverable" : "Blocked"},
                                              {"reason", "the emulator's magic value"}});
        codes_[key] = {};
        return json_response(request, http::status::ok,
                             json::object{{"request_id", random_uuid()},
                                          {"status", "Success"},
                                          {"reason", nullptr}});
    }
    auto code = in.text("code");
    if (!code)
        return field_error(request, "code", "This field is required.");
    json::object out{{"request_id", random_uuid()}, {"created_at", iso_time(now)}};
    auto pending = codes_.find(key);
    if (pending == codes_.end()) {
        out["status"] = "Expired or Not Found";
        out["message"] = "No verification is pending for this address.";
        out[key_field == std::string_view{"email"} ? "email" : "phone"] = nullptr;
        return json_response(request, http::status::ok, out);
    }
    auto what = email ? "email" : "phone";
    if (*code == "123456") {
        codes_.erase(pending);
        out["status"] = "Approved";
        out["message"] = "The code is correct.";
        if (email)
            out["email"] = json::object{{"email", *address},
                                        {"is_breached", false},
                                        {"is_disposable", false},
                                        {"is_undeliverable", false},
                                        {"warnings", json::array{}}};
        else
            out["phone"] =
                json::object{{"phone_number", *address},
                             {"carrier", json::object{{"name", "Emulated"}, {"type", "mobile"}}},
                             {"is_disposable", false},
                             {"is_virtual", false},
                             {"verification_method", "whatsapp"},
                             {"warnings", json::array{}}};
        return json_response(request, http::status::ok, out);
    }
    if (++pending->second.wrong >= 3) {
        codes_.erase(pending);
        out["status"] = "Declined";
        out["message"] = email ? "EMAIL_ATTEMPTS_EXCEEDED" : "PHONE_ATTEMPTS_EXCEEDED";
    } else {
        out["status"] = "Failed";
        out["message"] = "The code is not correct.";
    }
    out[what] = nullptr;
    return json_response(request, http::status::ok, out);
}

} // namespace didit::emulator::detail
