#include "resilience/budget_line.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace didit::detail {

namespace asio = boost::asio;

budget_line::place::place(budget_line& line, rate_scope scope, const asio::any_io_executor& strand)
    : line_(line.lines_[index(scope)]), turn_(strand, clock::time_point::max()),
      position_(line_.insert(line_.end(), this)) {}

budget_line::place::~place() {
    bool had_turn = line_.front() == this;
    line_.erase(position_);
    if (had_turn && !line_.empty())
        line_.front()->turn_.cancel();
}

asio::awaitable<error_code> budget_line::place::first() {
    while (line_.front() != this) {
        co_await turn_.async_wait(asio::as_tuple(asio::use_awaitable));
        auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none)
            co_return asio::error::operation_aborted;
    }
    co_return error_code{};
}

} // namespace didit::detail
