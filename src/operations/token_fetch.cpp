#include "operations/token_fetch.hpp"

namespace didit::detail {

namespace asio = boost::asio;

namespace {

class token_reader final : public response_reader {
public:
    issued_token token;

    error_code read(incoming_response& response, diagnostics& diag) override {
        auto parsed = parse_token_response(response.body, diag);
        if (!parsed)
            return parsed.error();
        token = std::move(*parsed);
        return {};
    }
};

/// `owner` is held by the coroutine itself so that the pool outlives the connection it
/// borrows even if the frame is destroyed without completing (io_context shutdown).
asio::awaitable<flow_result<issued_token>> fetch(std::shared_ptr<void> owner, call_context context,
                                                 token_endpoint endpoint, operation_state& op) {
    const auto& kind = operations::token;
    call_spec call{.kind = kind,
                   .route = kind.v1_route,
                   .request = {.method = kind.method,
                               .target = endpoint.target,
                               .credentials = endpoint.credentials,
                               .content_type = "application/x-www-form-urlencoded",
                               .body = token_request_body},
                   .repeatable = kind.repeatable,
                   .scopes = {},
                   .max_response_bytes = endpoint.max_response_bytes};
    context.owner = std::move(owner);
    token_reader reader;
    auto ec = co_await perform_call(context, call, reader, op);
    co_return flow_result<issued_token>{ec, ec ? issued_token{} : std::move(reader.token)};
}

} // namespace

token_fetch make_token_fetch(const asio::any_io_executor& strand, connection_pool& pool,
                             token_endpoint endpoint, const retry_policy& policy,
                             call_counters& counters, jitter_source& jitter,
                             operation_registry& registry) {
    return [strand, &pool, endpoint = std::move(endpoint), &policy, &counters, &jitter,
            &registry](std::shared_ptr<void> owner, std::function<void(fetched_token)> done) {
        call_context context{.pool = pool,
                             .policy = policy,
                             .counters = counters,
                             .jitter = jitter,
                             .owner = {},
                             .requests = endpoint.requests_sent,
                             .watcher = endpoint.watcher};
        // No outside cancellation: a caller that gives up must not cancel the refresh everyone
        // else is waiting for.
        spawn_with_deadline(
            std::make_shared<operation_with_result<issued_token>>(), strand, endpoint.timeout, {},
            registry,
            [owner = std::move(owner), context, endpoint](operation_state& op) {
                return fetch(owner, context, endpoint, op);
            },
            [done = std::move(done)](operation_with_result<issued_token>& state) {
                auto& [ec, issued] = state.result;
                if (state.timed_out && ec == asio::error::operation_aborted) {
                    ec = error::token_timeout;
                    state.diag.message = "the token request did not complete within token_timeout";
                }
                done({ec, std::move(issued), std::move(state.diag)});
            });
    };
}

} // namespace didit::detail
