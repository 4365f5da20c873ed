#include "wire/admin_codec.hpp"

#include "wire/json_text.hpp"

#include <boost/json/parse.hpp>

#include <cctype>

namespace didit::detail {
namespace {

std::string_view to_string(review_status status) {
    switch (status) {
    case review_status::approved:
        return "Approved";
    case review_status::declined:
        return "Declined";
    case review_status::resubmitted:
        return "Resubmitted";
    }
    return {};
}

} // namespace

std::string check_session_id(std::string_view id) {
    if (id.empty())
        return "session_id is empty";
    if (id.size() > 128)
        return "session_id is longer than 128 characters";
    for (char c : id) {
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
        if (!allowed)
            return "session_id has characters other than letters, digits, '-' and '_'";
    }
    return {};
}

std::string check_status_update(const status_update& update, api_generation generation) {
    if (auto problem = check_session_id(update.session_id); !problem.empty())
        return "status_update." + problem;
    if (to_string(update.new_status).empty())
        return "status_update.new_status is not approved, declined or resubmitted";
    bool v3_fields = update.send_email || !update.email_address.empty() ||
                     !update.email_language.empty() || !update.nodes_to_resubmit.empty();
    if (generation == api_generation::v1) {
        if (update.new_status == review_status::resubmitted)
            return "status_update.new_status resubmitted exists only in v3";
        if (v3_fields)
            return "status_update email and nodes_to_resubmit options exist only in v3";
        return {};
    }
    if (update.send_email && update.email_address.empty())
        return "status_update.email_address is required with send_email";
    if (update.new_status == review_status::resubmitted && update.nodes_to_resubmit.empty())
        return "status_update.nodes_to_resubmit is required with resubmitted";
    if (update.new_status != review_status::resubmitted && !update.nodes_to_resubmit.empty())
        return "status_update.nodes_to_resubmit goes only with resubmitted";
    return {};
}

std::string status_update_body(const status_update& update, api_generation generation) {
    std::string body;
    json_object_writer fields{body};
    fields.string("new_status", to_string(update.new_status));
    if (!update.comment.empty())
        fields.string("comment", update.comment);
    if (generation == api_generation::v3) {
        if (update.send_email) {
            fields.boolean("send_email", true);
            fields.string("email_address", update.email_address);
        }
        if (!update.email_language.empty())
            fields.string("email_language", update.email_language);
        if (!update.nodes_to_resubmit.empty()) {
            fields.key("nodes_to_resubmit");
            body.push_back('[');
            for (std::size_t i = 0; i < update.nodes_to_resubmit.size(); ++i) {
                if (i != 0)
                    body.push_back(',');
                append_json_string(body, update.nodes_to_resubmit[i]);
            }
            body.push_back(']');
        }
    }
    fields.end();
    return body;
}

std::string check_batch_deletion(const batch_deletion& deletion) {
    if (deletion.delete_all && !deletion.session_numbers.empty())
        return "batch_deletion has both delete_all and session_numbers";
    if (!deletion.delete_all && deletion.session_numbers.empty())
        return "batch_deletion.session_numbers is empty (set delete_all to delete everything)";
    for (auto number : deletion.session_numbers)
        if (number <= 0)
            return "batch_deletion.session_numbers has a number that is not positive";
    return {};
}

std::string batch_deletion_body(const batch_deletion& deletion) {
    if (deletion.delete_all)
        return R"({"delete_all":true})";
    std::string body = R"({"session_numbers":[)";
    for (std::size_t i = 0; i < deletion.session_numbers.size(); ++i) {
        if (i != 0)
            body.push_back(',');
        // The API takes them as digit strings.
        append_json_string(body, std::to_string(deletion.session_numbers[i]));
    }
    body.append("]}");
    return body;
}

std::string disposition_filename(std::string_view content_disposition) {
    constexpr std::string_view key = "filename=";
    auto at = content_disposition.find(key);
    if (at == std::string_view::npos)
        return {};
    auto value = content_disposition.substr(at + key.size());
    value = value.substr(0, value.find(';'));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
    if (auto slash = value.find_last_of("/\\"); slash != std::string_view::npos)
        value = value.substr(slash + 1);
    std::string name;
    for (char c : value)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)
            name.push_back(c);
    return name == "." || name == ".." ? std::string{} : name;
}

namespace {

const boost::json::object* json_object(std::string_view body, boost::json::value& holder,
                                       diagnostics& diag) {
    boost::system::error_code ec;
    holder = boost::json::parse(body, ec);
    if (ec || !holder.is_object()) {
        diag.message = "the deletion job answer is not a JSON object";
        return nullptr;
    }
    return &holder.get_object();
}

} // namespace

boost::system::result<std::string> parse_deletion_job(std::string_view body, diagnostics& diag) {
    boost::json::value holder;
    auto* object = json_object(body, holder, diag);
    if (object == nullptr)
        return error::invalid_response;
    auto* id = object->if_contains("job_id");
    if (id == nullptr || !id->is_string() || id->get_string().size() > 128 ||
        !check_session_id(id->get_string()).empty()) {
        diag.message = "the 202 answer to a batch delete has no plain 'job_id'";
        return error::invalid_response;
    }
    return std::string{id->get_string()};
}

boost::system::result<job_state> parse_job_state(std::string_view body, diagnostics& diag) {
    boost::json::value holder;
    auto* object = json_object(body, holder, diag);
    if (object == nullptr)
        return error::invalid_response;
    auto* status = object->if_contains("status");
    if (status == nullptr || !status->is_string()) {
        diag.message = "the deletion job answer has no 'status'";
        return error::invalid_response;
    }
    std::string state{status->get_string()};
    for (auto& c : state)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view done :
         {"completed", "complete", "done", "finished", "succeeded", "success"})
        if (state == done)
            return job_state::completed;
    for (std::string_view failed : {"failed", "failure", "error", "cancelled", "canceled"})
        if (state == failed)
            return job_state::failed;
    return job_state::pending;
}

} // namespace didit::detail
