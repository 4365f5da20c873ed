#include "credentials/token_source.hpp"

#include "transport/exchange.hpp"
#include "wire/response_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace didit::detail {

namespace asio = boost::asio;

token_source::token_source(const asio::any_io_executor& strand, connection_pool& pool,
                           token_endpoint endpoint, const retry_policy& policy,
                           call_counters& counters, jitter_source& jitter,
                           operation_registry& registry)
    : strand_(strand), pool_(pool), endpoint_(std::move(endpoint)), policy_(policy),
      counters_(counters), jitter_(jitter), registry_(registry),
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
        strand_, endpoint_.timeout, {}, registry_,
        [this, owner](operation_state& op) { return fetch(owner, op); },
        [this, owner, flight, requested_at](operation_with_result<issued_token>& state) {
            auto& [ec, issued] = state.result;
            auto now = clock::now();
            if (state.timed_out && ec == asio::error::operation_aborted) {
                ec = error::token_timeout;
                state.diag.message = "the token request did not complete within token_timeout";
            }
            if (endpoint_.watcher != nullptr)
                endpoint_.watcher->on_token(
                    {.what = ec ? token_event::phase::refresh_failed : token_event::phase::fetched,
                     .error = ec,
                     .lifetime = ec ? std::chrono::seconds{} : issued.expires_in,
                     .duration = now - requested_at});
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

} // namespace

asio::awaitable<flow_result<issued_token>> token_source::fetch(std::shared_ptr<void> owner,
                                                               operation_state& op) {
    call_spec call{.operation = "token",
                   .route = "/auth/v2/token/",
                   .request = {"POST", endpoint_.target, endpoint_.credentials,
                               "application/x-www-form-urlencoded", token_request_body},
                   .repeatable = true,
                   .token_endpoint = true,
                   .max_response_bytes = endpoint_.max_response_bytes};
    call_context context{.pool = pool_,
                         .policy = policy_,
                         .counters = counters_,
                         .jitter = jitter_,
                         .owner = std::move(owner),
                         .requests = endpoint_.requests_sent,
                         .watcher = endpoint_.watcher};
    token_reader reader;
    auto ec = co_await perform_call(context, call, reader, op);
    co_return flow_result<issued_token>{ec, ec ? issued_token{} : std::move(reader.token)};
}

} // namespace didit::detail
