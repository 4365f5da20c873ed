// Update status, delete, PDF and batch delete, for both generations.

#include <didit/client.hpp>

#include "admin_codec.hpp"
#include "call_operation.hpp"
#include "response_mapping.hpp"

namespace didit::detail {

namespace asio = boost::asio;

namespace {

flow_result<no_result> succeeded(const incoming_response&, diagnostics&) {
    return {error_code{}, no_result{}};
}

flow_result<pdf_document> take_pdf(incoming_response& response, diagnostics& diag) {
    if (response.content_type.find("application/pdf") == std::string::npos ||
        !response.body.starts_with("%PDF-")) {
        diag.message = "the response is not a PDF document";
        return {error::invalid_response, {}};
    }
    return {error_code{}, pdf_document{std::move(response.body),
                                       disposition_filename(response.content_disposition)}};
}

} // namespace

encoded_request encode_status_update(const client_impl* impl, const status_update& update) {
    if (impl == nullptr)
        return refuse_moved_from();
    if (auto problem = check_status_update(update, impl->generation); !problem.empty())
        return refuse(std::move(problem));
    auto request = session_call(impl, update.session_id, "update-status/", "update-status/");
    request.body = status_update_body(update, impl->generation);
    return request;
}

encoded_request encode_delete_session(const client_impl* impl, std::string_view session_id) {
    return session_call(impl, session_id, "delete/", "delete/");
}

encoded_request encode_generate_pdf(const client_impl* impl, std::string_view session_id) {
    // With the slash in both generations: the service redirects v3's slash-less form, and a
    // redirect must not be followed with credentials (API reference 2.7).
    return session_call(impl, session_id, "generate-pdf/", "generate-pdf/");
}

encoded_request encode_batch_deletion(const client_impl* impl, const batch_deletion& deletion) {
    if (impl == nullptr)
        return refuse_moved_from();
    if (impl->generation != api_generation::v3)
        return refuse("batch deletion exists only in v3 (set config.api_key)",
                      error::unsupported_operation);
    if (auto problem = check_batch_deletion(deletion); !problem.empty())
        return refuse(std::move(problem));
    encoded_request request;
    request.target = impl->target("/v3/sessions/delete/");
    request.body = batch_deletion_body(deletion);
    return request;
}

void start_update_status(std::shared_ptr<client_impl> impl, encoded_request request,
                         diagnostics* diag, done_handler handler) {
    // Setting the same status again changes nothing: safe to repeat.
    call_shape shape{.operation = "update_status",
                     .route = route_for(impl.get(), "/v1/session/{id}/update-status/",
                                        "/v3/session/{id}/update-status/"),
                     .method = "PATCH",
                     .repeatable = true};
    start_call<no_result>(std::move(impl), std::move(request), shape, diag, std::move(handler),
                          &succeeded);
}

void start_delete_session(std::shared_ptr<client_impl> impl, encoded_request request,
                          diagnostics* diag, done_handler handler) {
    // Repeatable: a repeat after an attempt that did delete it answers 404, which then means
    // done.
    call_shape shape{
        .operation = "delete_session",
        .route = route_for(impl.get(), "/v1/session/{id}/delete/", "/v3/session/{id}/delete/"),
        .method = "DELETE",
        .repeatable = true,
        .absent_means_done = true};
    start_call<no_result>(std::move(impl), std::move(request), shape, diag, std::move(handler),
                          &succeeded);
}

void start_generate_pdf(std::shared_ptr<client_impl> impl, encoded_request request,
                        diagnostics* diag, pdf_handler handler) {
    auto limit = impl ? impl->cfg.max_pdf_bytes : 0;
    call_shape shape{.operation = "generate_pdf",
                     .route = route_for(impl.get(), "/v1/session/{id}/generate-pdf/",
                                        "/v3/session/{id}/generate-pdf/"),
                     .method = "GET",
                     .repeatable = true,
                     .scope = rate_scope::generate_pdf,
                     .max_response_bytes = limit,
                     .accept = "application/pdf"};
    start_call<pdf_document>(std::move(impl), std::move(request), shape, diag, std::move(handler),
                             &take_pdf);
}

void start_batch_deletion(std::shared_ptr<client_impl> impl, encoded_request request,
                          diagnostics* diag, done_handler handler) {
    start_call<no_result>(
        std::move(impl), std::move(request),
        {.operation = "delete_sessions", .route = "/v3/sessions/delete/", .method = "POST"}, diag,
        std::move(handler), &succeeded);
}

} // namespace didit::detail
