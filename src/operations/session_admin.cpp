// Update status, delete, PDF and batch delete, for both generations.

#include <didit/client.hpp>

#include "operations/call_operation.hpp"
#include "wire/admin_codec.hpp"
#include "wire/response_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

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

void start_update_status(std::shared_ptr<client_impl> impl, encoded_request&& request,
                         diagnostics* diag, done_handler&& handler) {
    // Setting the same status again changes nothing: safe to repeat.
    start_call<no_result>(std::move(impl), std::move(request), operations::update_status, diag,
                          std::move(handler), &succeeded);
}

void start_delete_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, done_handler&& handler) {
    // Repeatable: a repeat after an attempt that did delete it answers 404, which then means
    // done.
    start_call<no_result>(std::move(impl), std::move(request), operations::delete_session, diag,
                          std::move(handler), &succeeded);
}

void start_generate_pdf(std::shared_ptr<client_impl> impl, encoded_request&& request,
                        diagnostics* diag, pdf_handler&& handler) {
    start_call<pdf_document>(std::move(impl), std::move(request), operations::generate_pdf, diag,
                             std::move(handler), &take_pdf);
}

namespace {

/// Reads what a batch delete answered: done (204, or 200 with results), or a job to poll.
class batch_answer_reader final : public response_reader {
public:
    std::string job_id; ///< set for a 202

    error_code read(incoming_response& response, diagnostics& diag) override {
        if (response.status != 202)
            return {};
        auto job = parse_deletion_job(response.body, diag);
        if (!job)
            return job.error();
        job_id = std::move(*job);
        return {};
    }
};

class job_state_reader final : public response_reader {
public:
    job_state state = job_state::pending;

    error_code read(incoming_response& response, diagnostics& diag) override {
        auto parsed = parse_job_state(response.body, diag);
        if (!parsed)
            return parsed.error();
        state = *parsed;
        return {};
    }
};

/// The batch delete, then, when the service answered with a job, polls it until it ends:
/// first after 250 ms, doubling to 2 s, all within request_timeout. Not repeated after an
/// ambiguous attempt; a poll is (it only reads).
asio::awaitable<flow_result<no_result>> batch_deletion_flow(std::shared_ptr<client_impl> impl,
                                                            encoded_request request,
                                                            operation_state& op) {
    auto& diag = op.diag;
    if (!request.problem.empty()) {
        diag.message = std::move(request.problem);
        co_return flow_result<no_result>{
            request.refusal ? request.refusal : error_code{error::invalid_request}, {}};
    }
    auto context = impl->api_context(impl, request.options);
    const auto deletion = spec_for(operations::delete_sessions, *impl, request);
    batch_answer_reader answer;
    if (auto ec = co_await perform_call(context, deletion, answer, op); ec || answer.job_id.empty())
        co_return flow_result<no_result>{ec, {}};

    encoded_request job;
    job.target = impl->target("/v3/sessions/delete/") + answer.job_id + "/";
    const auto poll = spec_for(operations::delete_sessions_job, *impl, job);
    op.ambiguous = true; // the deletion runs on the service from here on
    auto delay = std::chrono::milliseconds{250};
    asio::steady_timer timer{impl->strand};
    for (;;) {
        timer.expires_after(delay);
        auto [waited] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (waited)
            co_return flow_result<no_result>{waited, {}};
        delay = std::min(delay * 2, std::chrono::milliseconds{2000});
        job_state_reader state;
        if (auto ec = co_await perform_call(context, poll, state, op))
            co_return flow_result<no_result>{ec, {}};
        if (state.state == job_state::completed)
            co_return flow_result<no_result>{};
        if (state.state == job_state::failed) {
            diag.message = "the service's deletion job " + answer.job_id + " failed";
            co_return flow_result<no_result>{error::server_error, {}};
        }
    }
}

} // namespace

void start_batch_deletion(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, done_handler&& handler) {
    if (!impl)
        return refuse_without_client<no_result>(std::move(handler), diag);
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = request.options.request_timeout.value_or(impl->cfg.request_timeout);
    auto& registry = *impl->operations;
    run_operation<no_result>(
        strand, executor, limit, registry, /*repeatable=*/false, diag, std::move(handler),
        [impl = std::move(impl), request = std::move(request)](operation_state& op) mutable {
            return batch_deletion_flow(std::move(impl), std::move(request), op);
        });
}

} // namespace didit::detail
