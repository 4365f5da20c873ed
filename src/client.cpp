#include <didit/client.hpp>

#include "api_call.hpp"
#include "client_impl.hpp"
#include "exchange.hpp"
#include "operation.hpp"
#include "response_mapping.hpp"
#include "v1_codec.hpp"
#include "v3_codec.hpp"

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

api_generation client::generation() const noexcept {
    return impl_->generation;
}

client_stats client::stats() const noexcept {
    if (!impl_)
        return {}; // moved from
    return {impl_->token_requests.load(std::memory_order_relaxed),
            impl_->connections_opened.load(std::memory_order_relaxed)};
}

namespace detail {
namespace {

std::string_view generation_name(api_generation generation) {
    return generation == api_generation::v1 ? "v1 (client credentials)" : "v3 (API key)";
}

/// Creates a session: POST `path` with the encoded body, in the generation that has it.
asio::awaitable<flow_result<session>>
create_session_flow(std::shared_ptr<client_impl> impl, encoded_request request,
                    api_generation needs, std::string_view path, operation_state& op) {
    auto& diag = op.diag;
    if (impl->generation != needs) {
        diag.message = "this operation needs a " + std::string{generation_name(needs)} + " client";
        co_return flow_result<session>{error::unsupported_operation, {}};
    }
    if (!request.problem.empty()) {
        diag.message = std::move(request.problem);
        co_return flow_result<session>{error::invalid_request, {}};
    }
    const auto target = impl->target(path);
    incoming_response response;
    auto ec =
        co_await call_api(impl, {"POST", target, "application/json", request.body}, response, op);
    if (ec)
        co_return flow_result<session>{ec, {}};
    if (auto status_ec = error_for_api_status(response.status)) {
        describe_failure(response.status, response.body, response.retry_after, diag);
        co_return flow_result<session>{status_ec, {}};
    }
    diag.http_status = static_cast<int>(response.status);
    auto created = parse_session(response.body, diag);
    if (!created)
        co_return flow_result<session>{created.error(), {}};
    co_return flow_result<session>{error_code{}, std::move(*created)};
}

void start_create(std::shared_ptr<client_impl> impl, encoded_request request, api_generation needs,
                  std::string_view path, diagnostics* diag, session_handler handler) {
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = impl->cfg.request_timeout;
    run_operation<session>(strand, executor, limit, /*repeatable=*/false, diag, std::move(handler),
                           [impl = std::move(impl), request = std::move(request), needs,
                            path](operation_state& op) mutable {
                               return create_session_flow(std::move(impl), std::move(request),
                                                          needs, path, op);
                           });
}

} // namespace

encoded_request encode_create_session(const session_request& request) {
    encoded_request encoded;
    encoded.problem = check_session_request(request);
    if (encoded.problem.empty())
        encoded.body = create_session_body(request);
    return encoded;
}

encoded_request encode_create_workflow_session(const workflow_session_request& request) {
    encoded_request encoded;
    encoded.problem = check_workflow_session_request(request);
    if (encoded.problem.empty())
        encoded.body = workflow_session_body(request);
    return encoded;
}

void start_create_session(std::shared_ptr<client_impl> impl, encoded_request request,
                          diagnostics* diag, session_handler handler) {
    start_create(std::move(impl), std::move(request), api_generation::v1, "/v1/session/", diag,
                 std::move(handler));
}

void start_create_workflow_session(std::shared_ptr<client_impl> impl, encoded_request request,
                                   diagnostics* diag, session_handler handler) {
    start_create(std::move(impl), std::move(request), api_generation::v3, "/v3/session/", diag,
                 std::move(handler));
}

} // namespace detail
} // namespace didit
