#include "webhook_payload.hpp"

#include "crypto/hmac.hpp"
#include "decisions.hpp"
#include "python_json.hpp"

namespace didit::emulator::detail {

namespace json = boost::json;
using didit::detail::hmac_sha256;
using didit::detail::to_hex;

namespace {

constexpr std::string_view application_id = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/// The service includes the decision once there is one to report.
bool carries_decision(std::string_view status) {
    return status == "Approved" || status == "Declined" || status == "In Review" ||
           status == "Abandoned";
}

json::object payload(const session_record& session, std::int64_t now, std::string_view event_id) {
    json::object out{{"session_id", session.session_id},
                     {"status", session.status},
                     {"created_at", now},
                     {"timestamp", now}};
    if (!session.vendor_data.empty())
        out["vendor_data"] = session.vendor_data;
    if (carries_decision(session.status))
        out["decision"] = decision_json(session, session.generation);
    if (session.generation == api_generation::v1)
        return out;
    out["event_id"] = event_id;
    out["webhook_type"] = "status.updated";
    out["application_id"] = application_id;
    out["environment"] = "live";
    out["workflow_id"] = session.workflow_id;
    out["workflow_version"] = 1;
    if (session.metadata.is_object())
        out["metadata"] = session.metadata;
    return out;
}

} // namespace

signed_delivery webhook_delivery(const session_record& session, std::int64_t now_seconds,
                                 std::string_view event_id, std::string_view secret) {
    auto content = payload(session, now_seconds, event_id);
    signed_delivery out;
    out.session_id = session.session_id;
    out.timestamp = std::to_string(now_seconds);
    out.body = python_dumps(content, true);
    out.signature = to_hex(hmac_sha256(secret, out.body));
    if (session.generation == api_generation::v1)
        return out; // the seed era signed the raw body only
    out.signature_v2 = to_hex(hmac_sha256(secret, python_dumps(content, false)));
    out.signature_simple =
        to_hex(hmac_sha256(secret, out.timestamp + ":" + session.session_id + ":" + session.status +
                                       ":status.updated"));
    return out;
}

} // namespace didit::emulator::detail
