#include "token_source.hpp"

#include "exchange.hpp"
#include "response_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace didit::detail {

namespace asio = boost::asio;

token_source::token_source(const asio::any_io_executor& strand, connection_pool& pool,
                           token_endpoint endpoint)
    : strand_(strand), pool_(pool), endpoint_(std::move(endpoint)),
      refreshed_(strand, clock::time_point::max()) {}

token_source::token_ptr token_source::usable_now(const std::shared_ptr<void>& owner) {
    auto* lifetime = current_ ? &current_->lifetime : nullptr;
    switch (decide_token_action(lifetime, refreshing_, clock::now(), retry_not_before_)) {
    case token_action::use:
        return current_;
    case token_action::use_and_refresh:
        start_refresh(owner);
        return current_;
    case token_action::wait_for_refresh:
        break;
    }
    return nullptr;
}

asio::awaitable<std::pair<error_code, token_source::token_ptr>>
token_source::get(const std::shared_ptr<void>& owner, diagnostics& diag) {
    std::uint64_t joined = 0;
    for (;;) {
        if (auto token = usable_now(owner))
            co_return std::pair{error_code{}, std::move(token)};
        if (joined != 0 && last_failed_flight_ >= joined) {
            diag = last_failure_diag_; // the refresh this call waited for failed
            co_return std::pair{last_failure_, token_ptr{}};
        }
        if (!refreshing_)
            start_refresh(owner);
        joined = flight_;
        co_await refreshed_.async_wait(asio::as_tuple(asio::use_awaitable));
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none)
            co_return std::pair{error_code{asio::error::operation_aborted}, token_ptr{}};
    }
}

void token_source::invalidate(std::uint64_t generation) {
    if (current_ && current_->generation == generation)
        current_.reset();
}

void token_source::start_refresh(const std::shared_ptr<void>& owner) {
    refreshing_ = true;
    auto flight = ++flight_;
    auto requested_at = clock::now();
    // The refresh has its own deadline and no outside cancellation: a caller that gives up
    // must not cancel the refresh everyone else is waiting for.
    spawn_with_deadline<issued_token>(
        strand_, endpoint_.timeout, {},
        [this, owner](operation_state& op) { return fetch(owner, op); },
        [this, owner, flight, requested_at](operation_state& state,
                                            flow_result<issued_token> result) {
            auto& [ec, issued] = result;
            auto now = clock::now();
            if (state.timed_out && ec == asio::error::operation_aborted) {
                ec = error::token_timeout;
                state.diag.message = "the token request did not complete within token_timeout";
            }
            if (!ec) {
                current_ = std::make_shared<const access_token>(
                    access_token{std::move(issued.credentials),
                                 schedule_token(requested_at, issued.expires_in), ++generation_});
                retry_not_before_ = {};
            } else {
                last_failed_flight_ = flight;
                last_failure_ = ec;
                last_failure_diag_ = std::move(state.diag);
                if (current_ && now < current_->lifetime.expires_at)
                    retry_not_before_ = next_refresh_attempt(now, current_->lifetime.expires_at);
            }
            refreshing_ = false;
            refreshed_.cancel();
        });
}

asio::awaitable<flow_result<issued_token>> token_source::fetch(std::shared_ptr<void> /*owner*/,
                                                               operation_state& op) {
    auto& diag = op.diag;
    outgoing_request request{"POST",
                             endpoint_.target,
                             endpoint_.credentials,
                             "application/x-www-form-urlencoded",
                             token_request_body,
                             /*repeatable=*/true};
    incoming_response response;
    if (endpoint_.requests_sent != nullptr)
        endpoint_.requests_sent->fetch_add(1, std::memory_order_relaxed);
    auto sent = co_await exchange(pool_, request, endpoint_.max_response_bytes, response, op);
    if (sent)
        co_return flow_result<issued_token>{sent, {}};
    if (auto ec = error_for_token_status(response.status)) {
        describe_failure(response.status, response.body, response.retry_after, diag);
        diag.message = "the token endpoint answered HTTP " + std::to_string(response.status);
        co_return flow_result<issued_token>{ec, {}};
    }
    auto parsed = parse_token_response(response.body, diag);
    if (!parsed) {
        diag.http_status = static_cast<int>(response.status);
        co_return flow_result<issued_token>{parsed.error(), {}};
    }
    co_return flow_result<issued_token>{error_code{}, std::move(*parsed)};
}

} // namespace didit::detail
