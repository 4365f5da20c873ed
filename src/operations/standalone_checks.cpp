// client::check(): each standalone check's request as a form or a JSON body, run through the
// same pipeline as every call, its answer read into check_result.
#include "operations/call_operation.hpp"
#include "operations/check_table.hpp"
#include "wire/check_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace didit::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view metadata_problem = "check_options.metadata is not a JSON object";

bool metadata_is_object(std::string_view text) {
    if (text.empty())
        return true; // not sent
    boost::system::error_code ec;
    auto parsed = json::parse(text, ec);
    return !ec && parsed.is_object();
}

/// A check's form, field by field; unset options are left out.
class form_fields {
public:
    void text(std::string_view name, std::string_view value) {
        if (!value.empty())
            form_.field(name, value);
    }
    void number(std::string_view name, std::optional<unsigned> value) {
        if (value)
            form_.field(name, std::to_string(*value));
    }
    void flag(std::string_view name, std::optional<bool> value) {
        if (value)
            form_.field(name, *value ? "true" : "false");
    }
    /// A file the check needs: one that is neither on disk nor in memory is refused.
    void file(std::string_view name, const upload& content) {
        if (!content.from_disk() && content.bytes.empty() && missing_.empty())
            missing_ = name;
        form_.file(name, content);
    }
    void file(std::string_view name, const std::optional<upload>& content) {
        if (content)
            file(name, *content);
    }
    void common(const check_options& options) {
        text("vendor_data", options.vendor_data);
        text("metadata", options.metadata);
        flag("save_api_request", options.save_api_request);
        bad_metadata_ = !metadata_is_object(options.metadata);
    }

    encoded_request finish(const client_impl* impl, const check_kind& kind) {
        if (!missing_.empty())
            return refuse(std::string{"the check needs the file "}.append(missing_));
        if (bad_metadata_)
            return refuse(std::string{metadata_problem});
        auto request = encode_form_call(impl, "POST", kind.operation.v3_route, form_);
        request.check = &kind;
        return request;
    }

private:
    multipart_form form_;
    std::string missing_;
    bool bad_metadata_ = false;
};

/// A check's JSON body, member by member; unset options are left out.
class json_fields {
public:
    void text(std::string_view name, std::string_view value) {
        if (!value.empty())
            body_[name] = value;
    }
    void number(std::string_view name, std::optional<unsigned> value) {
        if (value)
            body_[name] = *value;
    }
    void flag(std::string_view name, std::optional<bool> value) {
        if (value)
            body_[name] = *value;
    }
    void require(std::string_view name, std::string_view value) {
        if (value.empty() && missing_.empty())
            missing_ = name;
        body_[name] = value;
    }
    void common(const check_options& options) {
        text("vendor_data", options.vendor_data);
        if (!options.metadata.empty()) {
            boost::system::error_code ec;
            auto parsed = json::parse(options.metadata, ec);
            if (ec || !parsed.is_object())
                bad_metadata_ = true;
            else
                body_["metadata"] = std::move(parsed);
        }
        flag("save_api_request", options.save_api_request);
    }
    /// `signals`/`options` of the code checks: an object, when any member is set.
    void nested(std::string_view name, json::object members) {
        if (!members.empty())
            body_[name] = std::move(members);
    }

    encoded_request finish(const client_impl* impl, const check_kind& kind) {
        if (!missing_.empty())
            return refuse(std::string{"the check needs "}.append(missing_));
        if (bad_metadata_)
            return refuse(std::string{metadata_problem});
        json::value body = std::move(body_);
        auto request = encode_generic_call(impl, "POST", kind.operation.v3_route, &body);
        request.check = &kind;
        return request;
    }

private:
    json::object body_;
    std::string missing_;
    bool bad_metadata_ = false;
};

json::object signals(std::string_view ip, std::string_view device_id, std::string_view user_agent) {
    json::object out;
    for (auto [name, value] : {std::pair{"ip", ip}, std::pair{"device_id", device_id},
                               std::pair{"user_agent", user_agent}})
        if (!value.empty())
            out[name] = value;
    return out;
}

} // namespace

encoded_request encode_check(const client_impl* impl, const id_verification_request& r) {
    form_fields f;
    f.file("front_image", r.front_image);
    f.file("back_image", r.back_image);
    f.text("front_image_password", r.front_image_password);
    f.text("back_image_password", r.back_image_password);
    f.flag("perform_document_liveness", r.perform_document_liveness);
    f.number("minimum_age", r.minimum_age);
    f.text("expiration_date_not_detected_action", r.expiration_date_not_detected_action);
    f.text("invalid_mrz_action", r.invalid_mrz_action);
    f.text("inconsistent_data_action", r.inconsistent_data_action);
    f.text("preferred_characters", r.preferred_characters);
    f.common(r.options);
    return f.finish(impl, checks::id_verification);
}

encoded_request encode_check(const client_impl* impl, const passive_liveness_request& r) {
    form_fields f;
    f.file("user_image", r.user_image);
    f.number("face_liveness_score_decline_threshold", r.face_liveness_score_decline_threshold);
    f.flag("rotate_image", r.rotate_image);
    f.common(r.options);
    return f.finish(impl, checks::passive_liveness);
}

encoded_request encode_check(const client_impl* impl, const face_match_request& r) {
    form_fields f;
    f.file("user_image", r.user_image);
    f.file("ref_image", r.ref_image);
    f.number("face_match_score_decline_threshold", r.face_match_score_decline_threshold);
    f.flag("rotate_image", r.rotate_image);
    f.common(r.options);
    return f.finish(impl, checks::face_match);
}

encoded_request encode_check(const client_impl* impl, const face_search_request& r) {
    form_fields f;
    f.file("user_image", r.user_image);
    f.text("search_type", r.search_type);
    f.flag("rotate_image", r.rotate_image);
    f.common(r.options);
    return f.finish(impl, checks::face_search);
}

encoded_request encode_check(const client_impl* impl, const age_estimation_request& r) {
    form_fields f;
    f.file("user_image", r.user_image);
    f.number("face_liveness_score_decline_threshold", r.face_liveness_score_decline_threshold);
    f.number("age_estimation_decline_threshold", r.age_estimation_decline_threshold);
    f.flag("rotate_image", r.rotate_image);
    f.common(r.options);
    return f.finish(impl, checks::age_estimation);
}

encoded_request encode_check(const client_impl* impl, const proof_of_address_request& r) {
    form_fields f;
    f.file("document", r.document);
    f.text("document_password", r.document_password);
    f.text("expected_address", r.expected_address);
    f.text("expected_country", r.expected_country);
    f.text("expected_first_name", r.expected_first_name);
    f.text("expected_last_name", r.expected_last_name);
    f.number("poa_document_age_months", r.poa_document_age_months);
    f.text("poa_languages_allowed", r.poa_languages_allowed);
    f.common(r.options);
    return f.finish(impl, checks::proof_of_address);
}

encoded_request encode_check(const client_impl* impl, const document_ai_request& r) {
    if (r.fields.empty() || r.fields.size() > 30)
        return refuse("document_ai_request.fields must hold 1 to 30 fields");
    json::array fields;
    for (const auto& field : r.fields) {
        json::object row{{"key", field.key}, {"name", field.name}, {"type", field.type}};
        if (!field.instruction.empty())
            row["instruction"] = field.instruction;
        row["required"] = field.required;
        if (field.is_full_name)
            row["is_full_name"] = true;
        fields.push_back(std::move(row));
    }
    form_fields f;
    f.file("document", r.document);
    // The reference wants one field holding the whole list as JSON (API reference 7.1).
    f.text("fields", json::serialize(fields));
    f.text("expected_first_name", r.expected_first_name);
    f.text("expected_last_name", r.expected_last_name);
    f.text("expected_company_name", r.expected_company_name);
    f.common(r.options);
    return f.finish(impl, checks::document_ai);
}

encoded_request encode_check(const client_impl* impl, const database_validation_request& r) {
    if (r.issuing_state.empty())
        return refuse("database_validation_request.issuing_state is required");
    form_fields f;
    f.text("issuing_state", r.issuing_state);
    for (const auto& service : r.services)
        f.text("services", service);
    if (r.consent)
        f.text("consent", "true");
    for (const auto& [name, value] : r.identity)
        f.text(name, value);
    f.file("selfie", r.selfie);
    f.common(r.options);
    return f.finish(impl, checks::database_validation);
}

encoded_request encode_check(const client_impl* impl, const aml_request& r) {
    json_fields f;
    f.require("full_name", r.full_name);
    f.text("entity_type", r.entity_type);
    f.text("date_of_birth", r.date_of_birth);
    f.text("nationality", r.nationality);
    f.text("document_number", r.document_number);
    f.number("aml_name_weight", r.aml_name_weight);
    f.number("aml_dob_weight", r.aml_dob_weight);
    f.number("aml_country_weight", r.aml_country_weight);
    f.number("aml_match_score_threshold", r.aml_match_score_threshold);
    f.number("aml_score_approve_threshold", r.aml_score_approve_threshold);
    f.number("aml_score_review_threshold", r.aml_score_review_threshold);
    f.flag("include_adverse_media", r.include_adverse_media);
    f.flag("include_ongoing_monitoring", r.include_ongoing_monitoring);
    f.common(r.options);
    return f.finish(impl, checks::aml);
}

encoded_request encode_check(const client_impl* impl, const email_send_request& r) {
    json_fields f;
    f.require("email", r.email);
    json::object options;
    if (r.code_size)
        options["code_size"] = *r.code_size;
    if (r.alphanumeric_code)
        options["alphanumeric_code"] = *r.alphanumeric_code;
    if (!r.locale.empty())
        options["locale"] = r.locale;
    f.nested("options", std::move(options));
    f.nested("signals", signals(r.ip, r.device_id, r.user_agent));
    f.text("vendor_data", r.vendor_data);
    return f.finish(impl, checks::email_send);
}

encoded_request encode_check(const client_impl* impl, const email_check_request& r) {
    json_fields f;
    f.require("email", r.email);
    f.require("code", r.code);
    f.text("duplicated_email_action", r.duplicated_email_action);
    f.text("breached_email_action", r.breached_email_action);
    f.text("disposable_email_action", r.disposable_email_action);
    f.text("undeliverable_email_action", r.undeliverable_email_action);
    return f.finish(impl, checks::email_check);
}

encoded_request encode_check(const client_impl* impl, const phone_send_request& r) {
    json_fields f;
    f.require("phone_number", r.phone_number);
    json::object options;
    if (r.code_size)
        options["code_size"] = *r.code_size;
    if (!r.locale.empty())
        options["locale"] = r.locale;
    if (!r.preferred_channel.empty())
        options["preferred_channel"] = r.preferred_channel;
    f.nested("options", std::move(options));
    f.nested("signals", signals(r.ip, r.device_id, r.user_agent));
    f.text("vendor_data", r.vendor_data);
    return f.finish(impl, checks::phone_send);
}

encoded_request encode_check(const client_impl* impl, const phone_check_request& r) {
    json_fields f;
    f.require("phone_number", r.phone_number);
    f.require("code", r.code);
    f.text("duplicated_phone_number_action", r.duplicated_phone_number_action);
    f.text("disposable_number_action", r.disposable_number_action);
    f.text("voip_number_action", r.voip_number_action);
    f.flag("enable_enrichment", r.enable_enrichment);
    return f.finish(impl, checks::phone_check);
}

void start_check(std::shared_ptr<client_impl> impl, encoded_request&& request, diagnostics* diag,
                 check_handler&& handler) {
    const check_kind* kind = request.check; // null when refused at encoding
    if (impl && kind != nullptr && impl->generation != api_generation::v3 &&
        request.problem.empty()) {
        request.problem = "the standalone checks are part of the v3 API: configure an api_key";
        request.refusal = error::unsupported_operation;
    }
    if (impl && kind != nullptr && kind->long_running && !request.options.request_timeout)
        request.options.request_timeout = impl->cfg.check_timeout;
    auto feature = kind != nullptr ? kind->feature : std::string_view{};
    start_call<check_result>(
        std::move(impl), std::move(request), kind != nullptr ? kind->operation : operations::call,
        diag, std::move(handler),
        [feature](const incoming_response& response, diagnostics& d, check_result& out) {
            return read_check_result(response.body, feature, out, d);
        });
}

} // namespace didit::detail
