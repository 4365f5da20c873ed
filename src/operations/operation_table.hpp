#pragma once
// Every kind of call the client makes, one row each: what the pipeline, the observers and the
// rate budget need to know about it. A call refers to its row (call_spec::kind) instead of
// copying its fields.

#include "resilience/rate_budget.hpp"

#include <optional>
#include <string_view>

namespace didit::detail {

struct operation_kind {
    std::string_view name;     ///< for observers: "create_session"
    std::string_view v1_route; ///< for observers: the path template, without ids
    std::string_view v3_route;
    std::string_view method;         ///< empty: the caller's (client::call())
    bool repeatable = false;         ///< safe to repeat after an ambiguous attempt
    bool absent_means_done = false;  ///< a delete: 404 after an ambiguous attempt is success
    bool token_endpoint = false;     ///< statuses mean what the token endpoint means by them
    bool budgeted = true;            ///< counted against the rate budget
    std::optional<rate_scope> scope; ///< its own rate scope, besides the generic one
    std::string_view accept = "application/json";
};

namespace operations {

using scope = rate_scope;

// clang-format off
//                                name                   v1 route                            v3 route                            method    repeatable  absent_means_done  token  budgeted  scope                    accept
inline constexpr operation_kind create_session      {"create_session",      "/v1/session/",                     "/v3/session/",                     "POST",   false,      false,             false, true,     scope::create_session};
inline constexpr operation_kind update_status       {"update_status",       "/v1/session/{id}/update-status/",  "/v3/session/{id}/update-status/",  "PATCH",  true,       false,             false, true,     std::nullopt};
inline constexpr operation_kind delete_session      {"delete_session",      "/v1/session/{id}/delete/",         "/v3/session/{id}/delete/",         "DELETE", true,       true,              false, true,     std::nullopt};
inline constexpr operation_kind generate_pdf        {"generate_pdf",        "/v1/session/{id}/generate-pdf/",   "/v3/session/{id}/generate-pdf/",   "GET",    true,       false,             false, true,     scope::generate_pdf,     "application/pdf"};
inline constexpr operation_kind retrieve_decision   {"retrieve_decision",   "/v1/session/{id}/decision/",       "/v3/session/{id}/decision/",       "GET",    true,       false,             false, true,     scope::retrieve_decision};
inline constexpr operation_kind list_sessions       {"list_sessions",       "/v3/sessions/",                    "/v3/sessions/",                    "GET",    true,       false,             false, true,     std::nullopt};
inline constexpr operation_kind check_credentials   {"check_credentials",   "/v3/sessions/",                    "/v3/sessions/",                    "GET",    true,       false,             false, true,     std::nullopt};
inline constexpr operation_kind delete_sessions     {"delete_sessions",     "/v3/sessions/delete/",             "/v3/sessions/delete/",             "POST",   false,      false,             false, true,     std::nullopt};
inline constexpr operation_kind delete_sessions_job {"delete_sessions_job", "/v3/sessions/delete/{job_id}/",    "/v3/sessions/delete/{job_id}/",    "GET",    true,       false,             false, true,     std::nullopt};
inline constexpr operation_kind token               {"token",               "/auth/v2/token/",                  "/auth/v2/token/",                  "POST",   true,       false,             true,  false,    std::nullopt};
// client::call(): the method is the caller's; whether it repeats and its scope follow from the
// method and the path (generic_call.hpp). A caller's path may hold ids: observers never see it.
inline constexpr operation_kind call                {"call",                "{path}",                           "{path}",                           "",       false,      false,             false, true,     std::nullopt};
// clang-format on

} // namespace operations

} // namespace didit::detail
