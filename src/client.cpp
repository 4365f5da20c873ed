#include <didit/client.hpp>

#include "client_impl.hpp"
#include "exchange.hpp"
#include "operation.hpp"
#include "response_mapping.hpp"
#include "v1_codec.hpp"

#include <boost/asio/post.hpp>

namespace didit {

namespace asio = boost::asio;
using detail::flow_result;

client::client(executor_type executor, config cfg)
    : impl_(detail::client_impl::create(std::move(executor), std::move(cfg))) {}

client::client(client&&) noexcept = default;
client& client::operator=(client&& other) noexcept {
    if (this != &other) {
        client previous{std::move(*this)}; // released like a destroyed client
        impl_ = std::move(other.impl_);
    }
    return *this;
}
client::~client() {
    // Operations in flight keep the shared state alive and finish; idle connections and their
    // timer go now, so an io_context with nothing else to do can return from run().
    if (impl_) {
        auto strand = impl_->strand;
        asio::post(strand, [impl = std::move(impl_)] { impl->close_idle_connections(); });
    }
}

client::executor_type client::get_executor() const noexcept {
    return impl_->executor;
}

client_stats client::stats() const noexcept {
    if (!impl_)
        return {}; // moved from
    return {impl_->token_requests.load(std::memory_order_relaxed),
            impl_->connections_opened.load(std::memory_order_relaxed)};
}

namespace detail {
namespace {

/// POST /v1/session/ with the shared token; on a 401, one retry with a fresh token.
asio::awaitable<flow_result<session>> create_session_flow(std::shared_ptr<client_impl> impl,
                                                          encoded_request request,
                                                          operation_state& op) {
    auto& diag = op.diag;
    if (!request.problem.empty()) {
        diag.message = std::move(request.problem);
        co_return flow_result<session>{error::invalid_request, {}};
    }
    const auto& body = request.body;
    incoming_response response;
    for (bool first_attempt = true;; first_attempt = false) {
        auto token = impl->tokens.usable_now(impl); // the common case needs no coroutine frame
        if (!token) {
            auto got = co_await impl->tokens.get(impl, diag);
            if (got.first)
                co_return flow_result<session>{got.first, {}};
            token = std::move(got.second);
        }
        outgoing_request outgoing{
            "POST", impl->create_session_target, token->credentials, "application/json",
            body,   /*repeatable=*/false};
        auto sent =
            co_await exchange(impl->api_pool, outgoing, impl->cfg.max_response_bytes, response, op);
        if (sent)
            co_return flow_result<session>{sent, {}};
        if (response.status == 401 && first_attempt) {
            // Refused before anything was created: safe to send again with a new token.
            impl->tokens.invalidate(token->generation);
            diag.request_sent = false;
            continue;
        }
        if (auto ec = error_for_api_status(response.status)) {
            describe_failure(response.status, response.body, response.retry_after, diag);
            co_return flow_result<session>{ec, {}};
        }
        diag.http_status = static_cast<int>(response.status);
        auto created = parse_session(response.body, diag);
        if (!created)
            co_return flow_result<session>{created.error(), {}};
        co_return flow_result<session>{error_code{}, std::move(*created)};
    }
}

} // namespace

encoded_request encode_create_session(const session_request& request) {
    auto problem = check_session_request(request);
    return {problem.empty() ? create_session_body(request) : std::string{}, std::move(problem)};
}

void start_create_session(std::shared_ptr<client_impl> impl, encoded_request request,
                          diagnostics* diag, session_handler handler) {
    auto& strand = impl->strand;
    auto& executor = impl->executor;
    auto limit = impl->cfg.request_timeout;
    run_operation<session>(
        strand, executor, limit, /*repeatable=*/false, diag, std::move(handler),
        [impl = std::move(impl), request = std::move(request)](operation_state& op) mutable {
            return create_session_flow(std::move(impl), std::move(request), op);
        });
}

} // namespace detail
} // namespace didit
