// A create-session answer (v1 and v3 share the decoder) from arbitrary response bytes. The
// decoder reads JSON events straight into the session; a reading through Boost.JSON's DOM,
// written here as plainly as possible, must come to the same session or the same refusal.
#include "response_bytes.hpp"
#include "wire/v1_codec.hpp"

#include <boost/json/parse.hpp>

namespace {

/// What a DOM reader makes of `body`: the session, or nothing when it must be refused.
std::optional<didit::session> read_through_dom(std::string_view body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object())
        return std::nullopt;
    const auto& object = value.get_object();
    auto text = [&](std::string_view name) -> std::optional<std::string> {
        auto* field = object.if_contains(name);
        if (field == nullptr || !field->is_string())
            return std::nullopt;
        return std::string{field->get_string()};
    };
    auto integer = [&](std::string_view name) -> std::optional<std::int64_t> {
        auto* field = object.if_contains(name);
        if (field == nullptr || !field->is_int64())
            return std::nullopt;
        return field->get_int64();
    };
    didit::session out;
    for (auto [name, to] :
         {std::pair{"session_id", &out.session_id}, std::pair{"session_token", &out.session_token},
          std::pair{"url", &out.url}}) {
        auto value = text(name);
        if (!value || value->empty())
            return std::nullopt;
        *to = *value;
    }
    out.session_number = integer("session_number");
    out.workflow_version = integer("workflow_version");
    out.status = text("status").value_or("");
    out.workflow_id = text("workflow_id").value_or("");
    out.vendor_data = text("vendor_data").value_or("");
    out.callback = text("callback").value_or("");
    out.session_kind = text("session_kind").value_or("");
    if (auto* metadata = object.if_contains("metadata"); metadata && metadata->is_object())
        out.metadata = *metadata;
    return out;
}

bool same(const didit::session& a, const didit::session& b) {
    return a.session_id == b.session_id && a.session_token == b.session_token && a.url == b.url &&
           a.session_number == b.session_number && a.status == b.status &&
           a.workflow_id == b.workflow_id && a.workflow_version == b.workflow_version &&
           a.vendor_data == b.vendor_data && a.callback == b.callback && a.metadata == b.metadata &&
           a.session_kind == b.session_kind;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto response = didit::fuzz::read_response(data, size);
    if (!response)
        return 0;
    didit::diagnostics diag;
    auto session = didit::detail::parse_session(response->body, diag);
    if (session && session->session_id.empty())
        __builtin_trap(); // a session without an id must have been refused
    auto expected = read_through_dom(response->body);
    if (session.has_value() != expected.has_value())
        __builtin_trap();
    if (session && !same(*session, *expected))
        __builtin_trap();
    return 0;
}
