#include "credentials/token_source.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace didit::detail {

namespace asio = boost::asio;

token_source::token_source(const asio::any_io_executor& strand, token_fetch fetch,
                           didit::observer* watcher)
    : fetch_(std::move(fetch)), watcher_(watcher), refreshed_(strand, clock::time_point::max()) {}

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
    fetch_(owner, [this, owner, flight, requested_at](fetched_token result) {
        refreshed(std::move(result), flight, requested_at);
    });
}

void token_source::refreshed(fetched_token result, std::uint64_t flight,
                             clock::time_point requested_at) {
    auto& [ec, issued, diag] = result;
    auto now = clock::now();
    if (watcher_ != nullptr)
        watcher_->on_token(
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
        last_failure_diag_ = std::move(diag);
        if (current_ && now < current_->lifetime.expires_at)
            retry_not_before_ = next_refresh_attempt(now, current_->lifetime.expires_at);
    }
    refreshing_ = false;
    refreshed_.cancel();
}

} // namespace didit::detail
