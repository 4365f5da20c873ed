#pragma once
// The standalone checks (API reference 7), one row each: the operation it is, where its result
// is, and whether it runs under config.check_timeout.

#include "operations/operation_table.hpp"

#include <string_view>

namespace didit::detail {

struct check_kind {
    operation_kind operation;
    std::string_view feature; ///< the result's key; empty: the answer's top level
    bool long_running = true; ///< config.check_timeout instead of request_timeout
};

namespace checks {

constexpr check_kind row(std::string_view name, std::string_view route, std::string_view feature,
                         bool long_running = true) {
    // Not repeatable: each run is charged (AML is made repeatable by its Idempotency-Key).
    return {{name, route, route, "POST", false, false, false, true, std::nullopt},
            feature,
            long_running};
}

inline constexpr check_kind id_verification =
    row("id_verification", "/v3/id-verification/", "id_verification");
inline constexpr check_kind passive_liveness =
    row("passive_liveness", "/v3/passive-liveness/", "liveness");
inline constexpr check_kind face_match = row("face_match", "/v3/face-match/", "face_match");
inline constexpr check_kind face_search = row("face_search", "/v3/face-search/", "face_search");
inline constexpr check_kind age_estimation =
    row("age_estimation", "/v3/age-estimation/", "age_estimation");
inline constexpr check_kind proof_of_address = row("proof_of_address", "/v3/poa/", "poa");
inline constexpr check_kind document_ai = row("document_ai", "/v3/document-ai/", "document_ai");
inline constexpr check_kind database_validation =
    row("database_validation", "/v3/database-validation/", "database_validation");
inline constexpr check_kind aml = row("aml", "/v3/aml/", "aml");
inline constexpr check_kind email_send = row("email_send", "/v3/email/send/", "", false);
inline constexpr check_kind email_check = row("email_check", "/v3/email/check/", "", false);
inline constexpr check_kind phone_send = row("phone_send", "/v3/phone/send/", "", false);
inline constexpr check_kind phone_check = row("phone_check", "/v3/phone/check/", "", false);

} // namespace checks

} // namespace didit::detail
