#pragma once
// The Didit client: one per application, shared by every concurrent request.

#include <didit/api_error.hpp>
#include <didit/api_response.hpp>
#include <didit/checks.hpp>
#include <didit/config.hpp>
#include <didit/decision.hpp>
#include <didit/detail/initiate.hpp>
#include <didit/detail/operations.hpp>
#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/multipart.hpp>
#include <didit/session.hpp>
#include <didit/session_admin.hpp>
#include <didit/session_list.hpp>
#include <didit/users.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

namespace didit {

/// A completion token that gives one call its own timeout or retry policy, around the token
/// the call would otherwise take (use_awaitable by default):
///
///     auto pdf = co_await client.generate_pdf(id, didit::with_options({
///         .request_timeout = std::chrono::minutes{2}}));
///     client.create_session(request, didit::with_options({.retry = didit::retry_policy::none()},
///                                                        asio::as_tuple(asio::use_awaitable)));
template <typename Token> struct with_options_t {
    call_options options;
    Token token;
};

template <typename Token = boost::asio::use_awaitable_t<>>
with_options_t<std::decay_t<Token>> with_options(call_options options, Token&& token = {}) {
    return {std::move(options), std::forward<Token>(token)};
}

/// What a client has done so far; for monitoring and benchmarks.
struct client_stats {
    std::uint64_t token_requests = 0;        ///< requests sent to the token endpoint
    std::uint64_t connections_opened = 0;    ///< TLS connections established
    std::uint64_t attempts = 0;              ///< requests sent, retries and token requests included
    std::uint64_t retries = 0;               ///< attempts repeated by the retry policy
    std::uint64_t rate_limited_received = 0; ///< 429 answers seen on the wire
    std::uint64_t budget_waits = 0;          ///< times a call waited for the rate budget
    /// Times a call (v1) found no usable token and waited for one to be fetched: a cold start
    /// without warm_up(), or a refresh that came too late.
    std::uint64_t token_waits = 0;
};

class session_pager;
class list_pager;

/// A client of the Didit API.
///
/// Thread safety: all operations may be started concurrently from any thread. The client's
/// shared state (token cache, connection pools) lives behind one strand of the io_context
/// that runs the executor it is given, so that io_context may be driven by several threads.
///
/// Lifetime: operations keep the shared state alive, so destroying the client while
/// operations are in flight is safe; they run to completion. An operation started on a
/// moved-from client fails with error::client_moved_from, completing on the handler's
/// associated executor (such a client has none of its own to default to).
///
/// Every operation below runs through the same pipeline: it waits for room in the rate budget
/// (config.rate_limits), and repeats failed attempts under config.retry when the failure is
/// safe to repeat for that operation (see the README's table), all within
/// config.request_timeout. Cancellation, for every operation: terminal cancellation is
/// honoured at any point and closes the connection in use; partial and total cancellation
/// only while no request bytes have been sent. A cancelled or timed-out request that may have
/// taken effect and is not safe to repeat ends error::outcome_unknown; otherwise the
/// operation ends with asio::error::operation_aborted (error::request_timeout on timeout).
class client {
public:
    using executor_type = boost::asio::any_io_executor;

    /// `executor` is an io_context's (`io.get_executor()`, or a strand of it): its threads run
    /// the client's TLS and parsing. Throws config_error when `cfg` is invalid (the message
    /// names the field) or `executor` is another kind, before any I/O.
    client(executor_type executor, config cfg);
    client(client&&) noexcept;
    client& operator=(client&&) noexcept;
    /// Closes idle connections (on the client's strand); operations in flight still complete.
    /// An idle client keeps no operation pending on the executor (no timer, no read on an idle
    /// connection), so io_context::run() returns once the application's own work is done,
    /// with or without the client destroyed (with a fleet budget, its Redis connection stays
    /// open until the client is destroyed).
    ~client();

    executor_type get_executor() const noexcept;

    /// The API generation the configuration selected (v3 when it has an API key).
    api_generation generation() const noexcept;

    /// Thread-safe; the counts may lag operations in flight on other threads.
    client_stats stats() const noexcept;

    /// Ends every call in flight promptly, token refreshes included, by the rules of terminal
    /// cancellation (a request that may have taken effect and is not safe to repeat ends
    /// outcome_unknown, the others operation_aborted), and closes idle connections. Each call
    /// completes exactly once.
    /// Calls started afterwards run normally. Thread-safe; returns at once.
    void cancel();

    /// Creates a verification session (v1: `POST /v1/session/`) and returns where to send
    /// the person.
    ///
    /// Completion signature: `void(error_code, session)`; the default token is
    /// `use_awaitable`. The handler runs on its associated executor (by default, the
    /// client's), never inside the client's strand. Errors are `didit::error` values; in
    /// particular `error::outcome_unknown` means the request was sent and may have created a
    /// session: a v1 create is never sent twice, so reconcile by `vendor_data` before creating
    /// again. `error::unsupported_operation` on a v3 client. The overload taking `diagnostics&`
    /// fills it with the server's explanation on failure; it must outlive the operation.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto create_session(const session_request& request, CompletionToken&& token = {}) {
        return initiate<void(error_code, session)>(
            &detail::start_create_session, detail::encode_create_session(impl_.get(), request),
            nullptr, std::forward<CompletionToken>(token));
    }

    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto create_session(const session_request& request, diagnostics& diag,
                        CompletionToken&& token = {}) {
        return initiate<void(error_code, session)>(
            &detail::start_create_session, detail::encode_create_session(impl_.get(), request),
            &diag, std::forward<CompletionToken>(token));
    }

    /// Creates a v3 session (`POST /v3/session/`) for a workflow. As create_session, except:
    /// `error::unsupported_operation` on a v1 client; the result also has session_number,
    /// status and workflow_id. With `vendor_data`, the service returns the person's unfinished
    /// session instead of making another, so after an ambiguous failure the client sends the
    /// create again and completes with that one session; without it, an ambiguous failure ends
    /// outcome_unknown. (A distinct name: a braced request could not pick an overload.)
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto create_workflow_session(const workflow_session_request& request,
                                 CompletionToken&& token = {}) {
        return initiate<void(error_code, session)>(
            &detail::start_create_workflow_session,
            detail::encode_create_workflow_session(impl_.get(), request), nullptr,
            std::forward<CompletionToken>(token));
    }

    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto create_workflow_session(const workflow_session_request& request, diagnostics& diag,
                                 CompletionToken&& token = {}) {
        return initiate<void(error_code, session)>(
            &detail::start_create_workflow_session,
            detail::encode_create_workflow_session(impl_.get(), request), &diag,
            std::forward<CompletionToken>(token));
    }

    // Managing sessions. Every operation below: the default token is use_awaitable; the
    // handler runs on its associated executor; cancellation as described for the class; errors are
    // didit::error values, with the server's words in the optional diagnostics (which must outlive
    // the operation); arguments are copied before the call returns; a call the configured
    // generation lacks fails with unsupported_operation and a malformed argument with
    // invalid_request, both before any traffic.

    /// Approves, declines or (v3) asks for resubmission: `PATCH .../update-status/`.
    /// Completion: `void(error_code)`. Safe to repeat: retried after an ambiguous failure.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto update_status(const status_update& update, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_update_status,
                                          detail::encode_status_update(impl_.get(), update),
                                          nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto update_status(const status_update& update, diagnostics& diag,
                       CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_update_status,
                                          detail::encode_status_update(impl_.get(), update), &diag,
                                          std::forward<CompletionToken>(token));
    }

    /// Deletes a session: `DELETE .../delete/`. Completion: `void(error_code)`; deleting it
    /// again gives error::not_found. Retried after an ambiguous failure; a retry answered 404
    /// then means the first attempt deleted it, and the call succeeds.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto delete_session(std::string_view session_id, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_delete_session,
                                          detail::encode_delete_session(impl_.get(), session_id),
                                          nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto delete_session(std::string_view session_id, diagnostics& diag,
                        CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_delete_session,
                                          detail::encode_delete_session(impl_.get(), session_id),
                                          &diag, std::forward<CompletionToken>(token));
    }

    /// The session's PDF report: `GET .../generate-pdf`. Completion:
    /// `void(error_code, pdf_document)`; at most config.max_pdf_bytes; error::forbidden while
    /// the session is not finished.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto generate_pdf(std::string_view session_id, CompletionToken&& token = {}) {
        return initiate<void(error_code, pdf_document)>(
            &detail::start_generate_pdf, detail::encode_generate_pdf(impl_.get(), session_id),
            nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto generate_pdf(std::string_view session_id, diagnostics& diag,
                      CompletionToken&& token = {}) {
        return initiate<void(error_code, pdf_document)>(
            &detail::start_generate_pdf, detail::encode_generate_pdf(impl_.get(), session_id),
            &diag, std::forward<CompletionToken>(token));
    }

    /// v3 only: deletes sessions by number, or all of them: `POST /v3/sessions/delete/`.
    /// Completion: `void(error_code)`, once the sessions are deleted: the service answers 204,
    /// 200 with `results[]`, or (many sessions) 202 with a job, which the call then polls at
    /// `GET /v3/sessions/delete/{job_id}/` until it completes (error::server_error if the job
    /// fails), within request_timeout. Not repeated after an ambiguous failure
    /// (outcome_unknown, also when the job's end is not seen in time).
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto delete_sessions(const batch_deletion& deletion, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_batch_deletion,
                                          detail::encode_batch_deletion(impl_.get(), deletion),
                                          nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto delete_sessions(const batch_deletion& deletion, diagnostics& diag,
                         CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_batch_deletion,
                                          detail::encode_batch_deletion(impl_.get(), deletion),
                                          &diag, std::forward<CompletionToken>(token));
    }

    /// What the service decided so far: `GET .../decision/`, callable at any point of the
    /// session's life. Completion: `void(error_code, decision)`, typed in the configured
    /// generation's shape; a malformed decision is error::invalid_response with the path of
    /// the bad field in diagnostics. The service allows 100 of these a minute: prefer the
    /// webhook that announces a decision to polling.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto retrieve_decision(std::string_view session_id, CompletionToken&& token = {}) {
        return initiate<void(error_code, decision)>(
            &detail::start_retrieve_decision,
            detail::encode_retrieve_decision(impl_.get(), session_id), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto retrieve_decision(std::string_view session_id, diagnostics& diag,
                           CompletionToken&& token = {}) {
        return initiate<void(error_code, decision)>(
            &detail::start_retrieve_decision,
            detail::encode_retrieve_decision(impl_.get(), session_id), &diag,
            std::forward<CompletionToken>(token));
    }

    /// v3 only: one page of sessions, newest first: `GET /v3/sessions/`. Completion:
    /// `void(error_code, session_page)`. To walk every page, use sessions() instead.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto list_sessions(const session_query& query, CompletionToken&& token = {}) {
        return initiate<void(error_code, session_page)>(
            &detail::start_list_sessions, detail::encode_list_sessions(impl_.get(), query), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto list_sessions(const session_query& query, diagnostics& diag,
                       CompletionToken&& token = {}) {
        return initiate<void(error_code, session_page)>(
            &detail::start_list_sessions, detail::encode_list_sessions(impl_.get(), query), &diag,
            std::forward<CompletionToken>(token));
    }

    /// v3 only: every session matching `query`, page by page, from `query.offset` on:
    ///
    ///     auto pages = client.sessions({.status = "Approved"});
    ///     while (!pages.done()) {
    ///         didit::session_page page = co_await pages.next();
    ///         for (auto& row : page.results) ...
    ///     }
    session_pager sessions(const session_query& query);

    /// Any listing of the API, page by page: users, the blocklist, workflows, webhook
    /// deliveries, sessions. `path` is a GET path relative to config.api_url, with its query,
    /// e.g. "/v3/users/?status=active". Each page after the first is the one its `next` link
    /// names (its query only: the request stays on config.api_url's origin and path), until
    /// `next` is null; a `count` that caps at 100 never stops it. Retries, budget and
    /// credentials as for call(). A path the API would refuse fails the first next() with
    /// error::invalid_request.
    ///
    ///     auto pages = client.pages("/v3/users/");
    ///     for (std::size_t rows = 0; !pages.done() && rows < limit;) {
    ///         didit::list_page page = co_await pages.next();
    ///         for (auto& row : page.rows) ...
    ///     }
    list_pager pages(std::string_view path);

    /// v3: the application's users matching `query`, page by page (pages() over
    /// `GET /v3/users/` with the filters encoded). One user: call() with user_path().
    list_pager users(const user_query& query = {});

    /// Checks the credentials with the service: v1 obtains an access token (or finds a valid
    /// one cached), v3 reads one row of the session list. Completion: `void(error_code)`;
    /// error::unauthorized when they are refused.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto check_credentials(CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_check_credentials,
                                          detail::encoded_request{}, nullptr,
                                          std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto check_credentials(diagnostics& diag, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_check_credentials,
                                          detail::encoded_request{}, &diag,
                                          std::forward<CompletionToken>(token));
    }

    /// Does now what the first calls would otherwise wait for: fetches the v1 access token and
    /// opens API connections (TCP and TLS) until `connections` are open, at most
    /// max_connections_per_origin, one after the other. Calls started afterwards find both
    /// ready. Completion:
    /// `void(error_code)`, the first failure (connections opened before it stay in the pool).
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto warm_up(std::size_t connections, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_warm_up,
                                          detail::warm_up_request{.connections = connections},
                                          nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto warm_up(std::size_t connections, diagnostics& diag, CompletionToken&& token = {}) {
        return initiate<void(error_code)>(&detail::start_warm_up,
                                          detail::warm_up_request{.connections = connections},
                                          &diag, std::forward<CompletionToken>(token));
    }

    /// Runs a standalone check of the v3 API (API reference 7); the request's type names the
    /// endpoint: id_verification_request, passive_liveness_request, face_match_request,
    /// face_search_request, age_estimation_request, proof_of_address_request,
    /// document_ai_request, database_validation_request, aml_request, email_send_request,
    /// email_check_request, phone_send_request, phone_check_request (<didit/checks.hpp>).
    ///
    ///     auto match = co_await client.check(didit::face_match_request{
    ///         .user_image = didit::upload::from_path("selfie.jpg"),
    ///         .ref_image = didit::upload::from_path("id-portrait.jpg")});
    ///     if (match.status == didit::check_status::declined) ...
    ///
    /// Completion: `void(error_code, check_result)`. A 200 carries every verdict, Declined
    /// included; other statuses fail the call: error::forbidden or error::payment_required when
    /// the balance cannot pay for it (nothing ran), error::invalid_request for a field the
    /// service refused (its words in diagnostics). Files are checked before anything is sent
    /// (see call() with a form). The image, document, AML and database checks run under
    /// config.check_timeout (they take up to ~30 s), the code checks under request_timeout;
    /// with_options overrides both. None is repeated after an ambiguous failure
    /// (outcome_unknown: each run is charged), except AML, whose Idempotency-Key makes the
    /// service answer a repeat from its store. error::unsupported_operation on a v1 client.
    template <detail::check_request Request, detail::completion_token_not_diagnostics
                                                 CompletionToken = boost::asio::use_awaitable_t<>>
    auto check(const Request& request, CompletionToken&& token = {}) {
        return initiate<void(error_code, check_result)>(
            &detail::start_check, detail::encode_check(impl_.get(), request), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <detail::check_request Request,
              typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto check(const Request& request, diagnostics& diag, CompletionToken&& token = {}) {
        return initiate<void(error_code, check_result)>(
            &detail::start_check, detail::encode_check(impl_.get(), request), &diag,
            std::forward<CompletionToken>(token));
    }

    /// Any endpoint of the API, for what the typed operations do not cover (API reference
    /// 2.8: reviews, blocklists, workflows, webhook destinations, billing, ...), with the same
    /// credentials, connection pool, rate budget and retry rules. `method` is GET, POST, PUT,
    /// PATCH or DELETE (any case); `path` is relative to config.api_url, with its query, e.g.
    /// "/v3/workflows/". GET and DELETE are repeated after an ambiguous failure; POST, PUT and
    /// PATCH end outcome_unknown instead. Completion: `void(error_code, api_response)`; a
    /// non-2xx status fails the call (see diagnostics), and a 2xx body that is not JSON is
    /// error::invalid_response. Redirects are never followed.
    template <detail::call_completion_token CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call,
            detail::encode_generic_call(impl_.get(), method, path, nullptr), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, const boost::json::value& body,
              CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call,
            detail::encode_generic_call(impl_.get(), method, path, &body), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, diagnostics& diag,
              CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call,
            detail::encode_generic_call(impl_.get(), method, path, nullptr), &diag,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, const boost::json::value& body,
              diagnostics& diag, CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call,
            detail::encode_generic_call(impl_.get(), method, path, &body), &diag,
            std::forward<CompletionToken>(token));
    }

    /// The same with a multipart/form-data body (the image and document endpoints): `method`
    /// is POST, PUT or PATCH. Files from a path are read while the request is sent; a file
    /// over the reference's limit for that endpoint and field (5 MB for a face image, 15 MB
    /// for a proof-of-address document, ...), or one that cannot be read, fails the call with
    /// error::invalid_request naming the field, before anything is sent. Never repeated after
    /// an ambiguous failure.
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, const multipart_form& form,
              CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call, detail::encode_form_call(impl_.get(), method, path, form),
            nullptr, std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto call(std::string_view method, std::string_view path, const multipart_form& form,
              diagnostics& diag, CompletionToken&& token = {}) {
        return initiate<void(error_code, api_response)>(
            &detail::start_generic_call, detail::encode_form_call(impl_.get(), method, path, form),
            &diag, std::forward<CompletionToken>(token));
    }

private:
    template <typename Signature, typename Arguments, typename CompletionToken>
    auto initiate(detail::start_function<Signature, Arguments> start, Arguments arguments,
                  diagnostics* diag, CompletionToken&& token) {
        return detail::initiate<Signature>(impl_, start, std::move(arguments), diag,
                                           std::forward<CompletionToken>(token));
    }

    std::shared_ptr<detail::client_impl> impl_;
};

/// Walks a listing page by page; each next() asks for the page the last one's `next` link
/// names (its query only: the request stays on config.api_url's origin and path), so pages
/// that hold more or fewer rows than `limit` (session_kind=all, a capped limit) neither skip
/// nor repeat rows. Rows created meanwhile may still shift a row onto two pages (the listing
/// is newest first). One next() at a time. Keeps the client's shared state alive.
class session_pager {
public:
    /// True once a page came back without a next page (or empty): next() has nothing to fetch.
    bool done() const noexcept { return detail::cursor_done(*cursor_); }

    /// The next page. Completion: `void(error_code, session_page)`; after a failure, next()
    /// asks for the same page again. error::invalid_request once done().
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(CompletionToken&& token = {}) {
        return detail::initiate<void(error_code, session_page)>(
            impl_, &detail::start_list_sessions, detail::encode_next_page(cursor_), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(diagnostics& diag, CompletionToken&& token = {}) {
        return detail::initiate<void(error_code, session_page)>(
            impl_, &detail::start_list_sessions, detail::encode_next_page(cursor_), &diag,
            std::forward<CompletionToken>(token));
    }

private:
    friend class client;
    session_pager(std::shared_ptr<detail::client_impl> impl,
                  std::shared_ptr<detail::page_cursor> cursor)
        : impl_(std::move(impl)), cursor_(std::move(cursor)) {}

    std::shared_ptr<detail::client_impl> impl_;
    std::shared_ptr<detail::page_cursor> cursor_;
};

/// Walks any listing page by page (client::pages()); one next() at a time. Keeps the client's
/// shared state alive.
class list_pager {
public:
    /// True once a page came back with no `next` link: next() has nothing to fetch.
    bool done() const noexcept { return detail::list_cursor_done(*cursor_); }

    /// The next page. Completion: `void(error_code, list_page)`; after a failure, next() asks
    /// for the same page again. error::invalid_request once done().
    template <
        detail::completion_token_not_diagnostics CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(CompletionToken&& token = {}) {
        return detail::initiate<void(error_code, list_page)>(
            impl_, &detail::start_list_page, detail::encode_next_list_page(cursor_), nullptr,
            std::forward<CompletionToken>(token));
    }
    template <typename CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(diagnostics& diag, CompletionToken&& token = {}) {
        return detail::initiate<void(error_code, list_page)>(
            impl_, &detail::start_list_page, detail::encode_next_list_page(cursor_), &diag,
            std::forward<CompletionToken>(token));
    }

private:
    friend class client;
    list_pager(std::shared_ptr<detail::client_impl> impl,
               std::shared_ptr<detail::list_cursor> cursor)
        : impl_(std::move(impl)), cursor_(std::move(cursor)) {}

    std::shared_ptr<detail::client_impl> impl_;
    std::shared_ptr<detail::list_cursor> cursor_;
};

inline session_pager client::sessions(const session_query& query) {
    return session_pager{impl_, detail::make_page_cursor(impl_.get(), query)};
}

inline list_pager client::pages(std::string_view path) {
    return list_pager{impl_, detail::make_list_cursor(impl_.get(), path)};
}

inline list_pager client::users(const user_query& query) {
    return pages(detail::users_target(query));
}

} // namespace didit
