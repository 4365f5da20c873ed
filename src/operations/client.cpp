#include <didit/client.hpp>

#include "operations/call_operation.hpp"
#include "operations/client_impl.hpp"
#include "wire/v1_codec.hpp"
#include "wire/v3_codec.hpp"

#include <boost/asio/post.hpp>

namespace didit {

namespace asio = boost::asio;

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
    // Operations in flight keep the shared state alive and finish; idle connections go now,
    // and a fleet budget's Redis connection with them.
    if (impl_) {
        auto strand = impl_->strand;
        asio::post(strand, [impl = std::move(impl_)] {
            impl->close_idle_connections();
            if (impl->budget)
                impl->budget->stop();
        });
    }
}

client::executor_type client::get_executor() const noexcept {
    return impl_ ? impl_->executor : executor_type{};
}

api_generation client::generation() const noexcept {
    return impl_ ? impl_->generation : api_generation::v1;
}

client_stats client::stats() const noexcept {
    if (!impl_)
        return {}; // moved from
    auto count = [](const std::atomic<std::uint64_t>& n) {
        return n.load(std::memory_order_relaxed);
    };
    const auto& calls = impl_->counters;
    return {
        count(impl_->token_requests), count(impl_->connections_opened),   count(calls.attempts),
        count(calls.retries),         count(calls.rate_limited_received), count(calls.budget_waits),
        count(calls.token_waits)};
}

void client::cancel() {
    if (!impl_)
        return;
    auto strand = impl_->strand;
    asio::post(strand, [impl = impl_] { impl->cancel_all(); });
}

namespace detail {
namespace {

std::string_view generation_name(api_generation generation) {
    return generation == api_generation::v1 ? "v1 (client credentials)" : "v3 (API key)";
}

/// The problem with creating a session through `needs` on this client, if any.
std::string wrong_generation(const client_impl& impl, api_generation needs) {
    if (impl.generation == needs)
        return {};
    return "this operation needs a " + std::string{generation_name(needs)} + " client";
}

error_code read_created_session(incoming_response& response, diagnostics& diag, session& into) {
    return read_session(response.body, diag, into);
}

} // namespace

encoded_request encode_create_session(const client_impl* impl, const session_request& request) {
    if (impl == nullptr)
        return refuse_moved_from();
    if (auto problem = wrong_generation(*impl, api_generation::v1); !problem.empty())
        return refuse(std::move(problem), error::unsupported_operation);
    encoded_request encoded;
    encoded.problem = check_session_request(request);
    if (encoded.problem.empty()) {
        encoded.target = impl->target("/v1/session/");
        encoded.body = create_session_body(request);
    }
    return encoded;
}

encoded_request encode_create_workflow_session(const client_impl* impl,
                                               const workflow_session_request& request) {
    if (impl == nullptr)
        return refuse_moved_from();
    if (auto problem = wrong_generation(*impl, api_generation::v3); !problem.empty())
        return refuse(std::move(problem), error::unsupported_operation);
    encoded_request encoded;
    encoded.problem = check_workflow_session_request(request);
    if (encoded.problem.empty()) {
        encoded.target = impl->target("/v3/session/");
        encoded.body = workflow_session_body(request);
        // The service makes it idempotent: a v3 create carrying vendor_data returns the
        // unfinished session it already made (API reference 2.2).
        encoded.idempotent = !request.vendor_data.empty();
    }
    return encoded;
}

/// Both generations: the encoded request already holds the path and the body.
void start_create_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                          diagnostics* diag, session_handler&& handler) {
    start_call<session>(std::move(impl), std::move(request), operations::create_session, diag,
                        std::move(handler), &read_created_session);
}

void start_create_workflow_session(std::shared_ptr<client_impl> impl, encoded_request&& request,
                                   diagnostics* diag, session_handler&& handler) {
    start_create_session(std::move(impl), std::move(request), diag, std::move(handler));
}

} // namespace detail
} // namespace didit
