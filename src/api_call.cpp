#include "api_call.hpp"

namespace didit::detail {

namespace asio = boost::asio;

asio::awaitable<error_code> call_api(const std::shared_ptr<client_impl>& impl,
                                     const api_request& request, incoming_response& response,
                                     operation_state& op) {
    // Lives in this frame: exchange() takes it by reference and runs after this line.
    outgoing_request outgoing{request.method,       request.target, impl->api_key_credentials,
                              request.content_type, request.body,   request.repeatable};
    const auto limit =
        request.max_response_bytes != 0 ? request.max_response_bytes : impl->cfg.max_response_bytes;
    if (impl->generation == api_generation::v3)
        co_return co_await exchange(impl->api_pool, outgoing, limit, response, op);

    auto& tokens = *impl->tokens;
    for (bool first_attempt = true;; first_attempt = false) {
        auto token = tokens.usable_now(impl); // the common case needs no coroutine frame
        if (!token) {
            auto got = co_await tokens.get(impl, op.diag);
            if (got.first)
                co_return got.first;
            token = std::move(got.second);
        }
        outgoing.credentials = token->credentials;
        auto ec = co_await exchange(impl->api_pool, outgoing, limit, response, op);
        if (ec || response.status != 401 || !first_attempt)
            co_return ec;
        tokens.invalidate(token->generation);
        op.diag.request_sent = false; // refused before anything happened
    }
}

} // namespace didit::detail
