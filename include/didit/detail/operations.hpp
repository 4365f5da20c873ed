#pragma once
// What the public operations of <didit/client.hpp> hand to the library: requests checked and
// encoded at initiation, and the type-erased entry points (src/operations/) that run them.
// Not part of the API.

#include <didit/api_response.hpp>
#include <didit/checks.hpp>
#include <didit/config.hpp>
#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/multipart.hpp>
#include <didit/session.hpp>
#include <didit/session_admin.hpp>
#include <didit/session_list.hpp>
#include <didit/users.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <concepts>
#include <memory>
#include <string>
#include <string_view>

namespace didit::detail {

class client_impl;
struct encoded_form; // src/wire/multipart.hpp
struct check_kind;   // src/operations/check_table.hpp
using session_handler = boost::asio::any_completion_handler<void(error_code, session)>;

/// A request checked and encoded when the operation is initiated, so the caller's views
/// need not outlive the call.
struct encoded_request {
    std::string target; ///< path, prefix included; empty when the flow decides it
    std::string body;
    std::string content_type;                 ///< empty: application/json when there is a body
    std::string headers;                      ///< further header lines, each ending CRLF
    std::shared_ptr<const encoded_form> form; ///< a multipart body instead of `body`
    const check_kind* check = nullptr;        ///< client::check(): which one
    std::string problem;                      ///< why it must not be sent; empty when it may
    error_code refusal; ///< the error to fail with when problem is set (default invalid_request)
    bool idempotent = false;   ///< repeating it is harmless (a v3 create with vendor_data, a GET)
    std::string_view method{}; ///< client::call(): "GET", "POST", ...; a literal
    call_options options{};    ///< this call's overrides (with_options)
};
using done_handler = boost::asio::any_completion_handler<void(error_code)>;
using pdf_handler = boost::asio::any_completion_handler<void(error_code, pdf_document)>;
encoded_request encode_status_update(const client_impl* impl, const status_update& update);
encoded_request encode_delete_session(const client_impl* impl, std::string_view session_id);
encoded_request encode_generate_pdf(const client_impl* impl, std::string_view session_id);
encoded_request encode_batch_deletion(const client_impl* impl, const batch_deletion& deletion);
void start_update_status(std::shared_ptr<client_impl> impl, encoded_request&& request,
                         diagnostics* diag, done_handler&& handler);
void start_delete_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, done_handler&& handler);
void start_generate_pdf(std::shared_ptr<client_impl> impl, encoded_request&& request,
                        diagnostics* diag, pdf_handler&& handler);
void start_batch_deletion(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, done_handler&& handler);
encoded_request encode_create_session(const client_impl* impl, const session_request& request);
encoded_request encode_create_workflow_session(const client_impl* impl,
                                               const workflow_session_request& request);
void start_create_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, session_handler&& handler);
void start_create_workflow_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                                   diagnostics* diag, session_handler&& handler);

using decision_handler = boost::asio::any_completion_handler<void(error_code, decision)>;
using page_handler = boost::asio::any_completion_handler<void(error_code, session_page)>;
/// Where a walk over every page of a listing stands (src/operations/session_reads.cpp).
struct page_cursor;
struct page_request {
    encoded_request request;
    std::shared_ptr<page_cursor> cursor; ///< null for a single page
};
encoded_request encode_retrieve_decision(const client_impl* impl, std::string_view session_id);
page_request encode_list_sessions(const client_impl* impl, const session_query& query);
std::shared_ptr<page_cursor> make_page_cursor(const client_impl* impl, const session_query& query);
page_request encode_next_page(const std::shared_ptr<page_cursor>& cursor);
bool cursor_done(const page_cursor& cursor) noexcept;
void start_retrieve_decision(std::shared_ptr<client_impl> impl, encoded_request&& request,
                             diagnostics* diag, decision_handler&& handler);
void start_list_sessions(std::shared_ptr<client_impl> impl, page_request&& request,
                         diagnostics* diag, page_handler&& handler);
void start_check_credentials(std::shared_ptr<client_impl> impl, encoded_request&& request,
                             diagnostics* diag, done_handler&& handler);

/// client::warm_up(): how many API connections to have open.
struct warm_up_request {
    std::size_t connections = 0;
    call_options options{};
    std::string problem{}; ///< from the options
};
void start_warm_up(std::shared_ptr<client_impl> impl, warm_up_request&& request, diagnostics* diag,
                   done_handler&& handler);

inline void apply_call_options(warm_up_request& request, const call_options& options) {
    request.options = options;
    if (auto problem = check_call_options(options); !problem.empty())
        request.problem = std::move(problem);
}

inline void apply_call_options(encoded_request& request, const call_options& options) {
    request.options = options;
    if (auto problem = check_call_options(options); !problem.empty() && request.problem.empty())
        request.problem = std::move(problem);
}
inline void apply_call_options(page_request& request, const call_options& options) {
    apply_call_options(request.request, options);
}

using api_response_handler = boost::asio::any_completion_handler<void(error_code, api_response)>;

/// Where a walk over any listing stands (src/operations/list_pager.cpp).
struct list_cursor;
struct list_request {
    encoded_request request;
    std::shared_ptr<list_cursor> cursor;
};
using list_page_handler = boost::asio::any_completion_handler<void(error_code, list_page)>;
std::shared_ptr<list_cursor> make_list_cursor(const client_impl* impl, std::string_view path);
std::string users_target(const user_query& query); // src/wire/list_codec.cpp
list_request encode_next_list_page(const std::shared_ptr<list_cursor>& cursor);
bool list_cursor_done(const list_cursor& cursor) noexcept;
void start_list_page(std::shared_ptr<client_impl> impl, list_request&& request, diagnostics* diag,
                     list_page_handler&& handler);
inline void apply_call_options(list_request& request, const call_options& options) {
    apply_call_options(request.request, options);
}
encoded_request encode_generic_call(const client_impl* impl, std::string_view method,
                                    std::string_view path, const boost::json::value* body);
encoded_request encode_form_call(const client_impl* impl, std::string_view method,
                                 std::string_view path, const multipart_form& form);
void start_generic_call(std::shared_ptr<client_impl> impl, encoded_request&& request,
                        diagnostics* diag, api_response_handler&& handler);

using check_handler = boost::asio::any_completion_handler<void(error_code, check_result)>;
encoded_request encode_check(const client_impl* impl, const id_verification_request& request);
encoded_request encode_check(const client_impl* impl, const passive_liveness_request& request);
encoded_request encode_check(const client_impl* impl, const face_match_request& request);
encoded_request encode_check(const client_impl* impl, const face_search_request& request);
encoded_request encode_check(const client_impl* impl, const age_estimation_request& request);
encoded_request encode_check(const client_impl* impl, const proof_of_address_request& request);
encoded_request encode_check(const client_impl* impl, const document_ai_request& request);
encoded_request encode_check(const client_impl* impl, const database_validation_request& request);
encoded_request encode_check(const client_impl* impl, const aml_request& request);
encoded_request encode_check(const client_impl* impl, const email_send_request& request);
encoded_request encode_check(const client_impl* impl, const email_check_request& request);
encoded_request encode_check(const client_impl* impl, const phone_send_request& request);
encoded_request encode_check(const client_impl* impl, const phone_check_request& request);
void start_check(std::shared_ptr<client_impl> impl, encoded_request&& request, diagnostics* diag,
                 check_handler&& handler);
/// The request types of client::check().
template <class T>
concept check_request = requires(const client_impl* impl, const T& request) {
    { encode_check(impl, request) } -> std::same_as<encoded_request>;
};

} // namespace didit::detail
