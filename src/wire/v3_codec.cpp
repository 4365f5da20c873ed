#include "wire/v3_codec.hpp"

#include "wire/json_text.hpp"
#include "wire/v1_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace didit::detail {
namespace {

std::string_view to_string(callback_method method) {
    switch (method) {
    case callback_method::initiator:
        return "initiator";
    case callback_method::completer:
        return "completer";
    case callback_method::both:
        return "both";
    }
    return {};
}

bool is_letters(std::string_view text) {
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return false;
    return !text.empty();
}

/// "en", "pt-BR", "zh-TW": two or three letters, optionally a dash and a two-letter region.
bool is_language_code(std::string_view code) {
    auto dash = code.find('-');
    auto language = code.substr(0, dash);
    if (language.size() < 2 || language.size() > 3 || !is_letters(language))
        return false;
    return dash == std::string_view::npos ||
           (code.size() - dash - 1 == 2 && is_letters(code.substr(dash + 1)));
}

void optional_string(json_object_writer& fields, std::string_view name, std::string_view value) {
    if (!value.empty())
        fields.string(name, value);
}

void write_contact_details(std::string& out, const contact_details& contact) {
    json_object_writer fields{out};
    optional_string(fields, "email", contact.email);
    if (contact.send_notification_emails)
        fields.boolean("send_notification_emails", *contact.send_notification_emails);
    optional_string(fields, "email_lang", contact.email_lang);
    optional_string(fields, "phone", contact.phone);
    fields.end();
}

void write_expected_details(std::string& out, const expected_details& expected) {
    json_object_writer fields{out};
    optional_string(fields, "first_name", expected.first_name);
    optional_string(fields, "last_name", expected.last_name);
    optional_string(fields, "date_of_birth", expected.date_of_birth);
    optional_string(fields, "gender", expected.gender);
    optional_string(fields, "nationality", expected.nationality);
    optional_string(fields, "id_country", expected.id_country);
    optional_string(fields, "poa_country", expected.poa_country);
    optional_string(fields, "address", expected.address);
    optional_string(fields, "identification_number", expected.identification_number);
    optional_string(fields, "ip_address", expected.ip_address);
    if (!expected.expected_document_types.empty()) {
        fields.key("expected_document_types");
        out.push_back('[');
        for (std::size_t i = 0; i < expected.expected_document_types.size(); ++i) {
            if (i != 0)
                out.push_back(',');
            append_json_string(out, expected.expected_document_types[i]);
        }
        out.push_back(']');
    }
    fields.end();
}

constexpr std::size_t max_portrait_bytes = 1024 * 1024;

} // namespace

std::string check_workflow_session_request(const workflow_session_request& request) {
    if (request.workflow_id.empty())
        return "workflow_session_request.workflow_id is empty";
    if (!request.callback.empty() && !is_http_url(request.callback))
        return "workflow_session_request.callback is not an absolute http(s) URL";
    if (request.callback_method && to_string(*request.callback_method).empty())
        return "workflow_session_request.callback_method is not initiator, completer or both";
    if (!request.metadata.empty()) {
        boost::system::error_code ec;
        auto parsed = boost::json::parse(request.metadata, ec);
        if (ec || !parsed.is_object())
            return "workflow_session_request.metadata is not a JSON object";
    }
    if (!request.language.empty() && !is_language_code(request.language))
        return "workflow_session_request.language is not an ISO 639-1 code such as \"en\"";
    if (request.expected_details) {
        auto gender = request.expected_details->gender;
        if (!gender.empty() && gender != "M" && gender != "F")
            return "workflow_session_request.expected_details.gender is neither \"M\" nor \"F\"";
    }
    if (request.portrait_image.size() / 4 * 3 > max_portrait_bytes)
        return "workflow_session_request.portrait_image is larger than 1 MB";
    return {};
}

std::string workflow_session_body(const workflow_session_request& request) {
    std::string body;
    body.reserve(128 + request.workflow_id.size() + request.vendor_data.size() +
                 request.callback.size() + request.metadata.size() + request.portrait_image.size());
    json_object_writer fields{body};
    fields.string("workflow_id", request.workflow_id);
    optional_string(fields, "vendor_data", request.vendor_data);
    optional_string(fields, "callback", request.callback);
    if (request.callback_method)
        fields.string("callback_method", to_string(*request.callback_method));
    if (!request.metadata.empty())
        fields.raw("metadata", request.metadata); // checked to be a JSON object
    optional_string(fields, "language", request.language);
    if (request.contact_details) {
        fields.key("contact_details");
        write_contact_details(body, *request.contact_details);
    }
    if (request.expected_details) {
        fields.key("expected_details");
        write_expected_details(body, *request.expected_details);
    }
    optional_string(fields, "portrait_image", request.portrait_image);
    fields.end();
    return body;
}

} // namespace didit::detail
