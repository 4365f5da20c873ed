// Reading sessions: the decision of one (both generations), listings page by page (v3), and
// checking the credentials.

#include <didit/client.hpp>

#include "operations/call_operation.hpp"
#include "wire/decision_codec.hpp"
#include "wire/list_codec.hpp"

namespace didit::detail {

struct page_cursor {
    std::string path;        ///< where listings are, prefix included
    std::string base_target; ///< path, filters and limit; the offset is appended per page
    std::string next_query;  ///< the query of the last page's `next` link, when it had one
    std::string problem;     ///< why the query cannot be sent; empty when it can
    error refusal = error::invalid_request;
    // Written on the strand when a page arrives, read by the caller after it completed.
    std::uint64_t offset = 0;
    bool done = false;
};

namespace {

constexpr std::string_view v3_only = "listing sessions exists only in v3 (set config.api_key)";

flow_result<decision> read_decision_response(api_generation generation,
                                             const incoming_response& response, diagnostics& diag) {
    auto parsed = parse_decision(response.body, generation, diag);
    if (!parsed)
        return {parsed.error(), {}};
    return {error_code{}, std::move(*parsed)};
}

/// Reads a page and, when walking, moves the cursor past it.
flow_result<session_page> read_page(const std::shared_ptr<page_cursor>& cursor,
                                    const incoming_response& response, diagnostics& diag) {
    auto parsed = parse_session_page(response.body, diag);
    if (!parsed)
        return {parsed.error(), {}};
    if (cursor) {
        // The service's own link says where the next page starts: a page may hold more rows
        // than `limit` (session_kind=all pages both kinds side by side) or fewer (a capped
        // limit). Only its query is used: the origin and path stay ours.
        auto query = parsed->next ? next_page_query(*parsed->next) : std::nullopt;
        cursor->next_query = query.value_or("");
        if (!query)
            cursor->offset += parsed->results.size();
        cursor->done = !parsed->next || parsed->results.empty();
    }
    return {error_code{}, std::move(*parsed)};
}

boost::asio::awaitable<flow_result<no_result>> obtain_token(std::shared_ptr<client_impl> impl,
                                                            operation_state& op) {
    if (impl->tokens->usable_now(impl))
        co_return flow_result<no_result>{};
    auto got = co_await impl->tokens->get(impl, op.diag);
    co_return flow_result<no_result>{got.first, {}};
}

} // namespace

encoded_request encode_retrieve_decision(const client_impl* impl, std::string_view session_id) {
    return session_call(impl, session_id, "decision/", "decision/");
}

std::shared_ptr<page_cursor> make_page_cursor(const client_impl* impl, const session_query& query) {
    auto cursor = std::make_shared<page_cursor>();
    if (impl == nullptr) {
        cursor->problem = moved_from_problem;
        cursor->refusal = error::client_moved_from;
        return cursor;
    }
    if (impl->generation != api_generation::v3) {
        cursor->problem = v3_only;
        cursor->refusal = error::unsupported_operation;
    } else {
        cursor->problem = check_session_query(query);
    }
    cursor->path = impl->target("/v3/sessions/");
    cursor->base_target = session_list_target(cursor->path, query, 0);
    cursor->offset = query.offset;
    return cursor;
}

page_request encode_list_sessions(const client_impl* impl, const session_query& query) {
    auto cursor = make_page_cursor(impl, query);
    auto request = encode_next_page(cursor);
    request.cursor.reset(); // a single page: nothing to advance
    return request;
}

page_request encode_next_page(const std::shared_ptr<page_cursor>& cursor) {
    if (!cursor->problem.empty())
        return {refuse(cursor->problem, cursor->refusal), cursor};
    if (cursor->done)
        return {refuse("the listing has no more pages"), cursor};
    encoded_request request;
    if (!cursor->next_query.empty()) {
        request.target.append(cursor->path).append("?").append(cursor->next_query);
        return {std::move(request), cursor};
    }
    request.target = cursor->base_target;
    if (cursor->offset != 0)
        request.target.append(cursor->base_target.find('?') == std::string::npos ? "?" : "&")
            .append("offset=")
            .append(std::to_string(cursor->offset));
    return {std::move(request), cursor};
}

bool cursor_done(const page_cursor& cursor) noexcept {
    return cursor.done;
}

void start_retrieve_decision(std::shared_ptr<client_impl> impl, encoded_request&& request,
                             diagnostics* diag, decision_handler&& handler) {
    auto generation = impl ? impl->generation : api_generation::v1;
    start_call<decision>(std::move(impl), std::move(request), operations::retrieve_decision, diag,
                         std::move(handler),
                         [generation](const incoming_response& response, diagnostics& diag) {
                             return read_decision_response(generation, response, diag);
                         });
}

void start_list_sessions(std::shared_ptr<client_impl> impl, page_request&& request,
                         diagnostics* diag, page_handler&& handler) {
    start_call<session_page>(
        std::move(impl), std::move(request.request), operations::list_sessions, diag,
        std::move(handler),
        [cursor = std::move(request.cursor)](const incoming_response& response, diagnostics& diag) {
            return read_page(cursor, response, diag);
        });
}

void start_check_credentials(std::shared_ptr<client_impl> impl, encoded_request&& checked,
                             diagnostics* diag, done_handler&& handler) {
    if (!impl)
        return refuse_without_client<no_result>(std::move(handler), diag);
    if (!checked.problem.empty()) { // the call's options
        if (diag)
            diag->message = std::move(checked.problem);
        return complete<no_result>(impl->executor, std::move(handler),
                                   flow_result<no_result>{error::invalid_request, {}});
    }
    if (impl->generation == api_generation::v3) {
        session_query one_row;
        one_row.limit = 1;
        auto request = encode_list_sessions(impl.get(), one_row);
        request.request.options = checked.options;
        start_call<no_result>(
            std::move(impl), std::move(request.request), operations::check_credentials, diag,
            std::move(handler),
            [](const incoming_response&, diagnostics&) { return flow_result<no_result>{}; });
        return;
    }
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = checked.options.request_timeout.value_or(impl->cfg.request_timeout);
    auto& registry = *impl->operations;
    run_operation<no_result>(strand, executor, limit, registry, /*repeatable=*/true, diag,
                             std::move(handler),
                             [impl = std::move(impl)](operation_state& op) mutable {
                                 return obtain_token(std::move(impl), op);
                             });
}

} // namespace didit::detail
