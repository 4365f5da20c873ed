#pragma once
// What the public operations of <didit/client.hpp> hand to the library: requests checked and
// encoded at initiation, and the type-erased entry points (src/operations/) that run them.
// Not part of the API.

#include <didit/api_response.hpp>
#include <didit/config.hpp>
#include <didit/decision.hpp>
#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/session.hpp>
#include <didit/session_admin.hpp>
#include <didit/session_list.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace didit::detail {

class client_impl;
using session_handler = boost::asio::any_completion_handler<void(error_code, session)>;

/// A request checked and encoded when the operation is initiated, so the caller's views
/// need not outlive the call.
struct encoded_request {
    std::string target; ///< path, prefix included; empty when the flow decides it
    std::string body;
    std::string problem; ///< why it must not be sent; empty when it may
    error_code refusal;  ///< the error to fail with when problem is set (default invalid_request)
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
list_request encode_next_list_page(const std::shared_ptr<list_cursor>& cursor);
bool list_cursor_done(const list_cursor& cursor) noexcept;
void start_list_page(std::shared_ptr<client_impl> impl, list_request&& request, diagnostics* diag,
                     list_page_handler&& handler);
inline void apply_call_options(list_request& request, const call_options& options) {
    apply_call_options(request.request, options);
}
encoded_request encode_generic_call(const client_impl* impl, std::string_view method,
                                    std::string_view path, const boost::json::value* body);
void start_generic_call(std::shared_ptr<client_impl> impl, encoded_request&& request,
                        diagnostics* diag, api_response_handler&& handler);

} // namespace didit::detail
