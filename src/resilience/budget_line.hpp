#pragma once
// Calls waiting for rate budget, in arrival order per scope: only the first of a line waits
// for the budget to have room; when it gets its slot it hands the turn to the next. So a
// freed slot wakes one call, not all of them, and no call overtakes one that waited longer.
// Used only from the client's strand.

#include "resilience/rate_budget.hpp"

#include <didit/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <list>

namespace didit::detail {

class budget_line {
public:
    /// Whether calls of `scope` are waiting: a newcomer must queue behind them.
    bool busy(rate_scope scope) const { return !lines_[index(scope)].empty(); }
    /// How many calls of `scope` will take a slot before one that sets out now: those waiting
    /// in line and those on their way to a slot (waiting for a token or a connection).
    std::size_t ahead(rate_scope scope) const { return on_the_way_[index(scope)]; }

    /// A call on its way to a slot of `scope`, from setting out until it takes the slot (or
    /// gives up): counted by ahead().
    class ticket {
    public:
        ticket(budget_line& line, rate_scope scope) : count_(line.on_the_way_[index(scope)]) {
            ++count_;
        }
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;
        ~ticket() { --count_; }

    private:
        std::size_t& count_;
    };

    /// A call's place in the line of its scope, from construction to destruction. Leaving
    /// hands the turn to the next call when this one had it.
    class place {
    public:
        place(budget_line& line, rate_scope scope, const boost::asio::any_io_executor& strand);
        place(const place&) = delete;
        place& operator=(const place&) = delete;
        ~place();

        /// Completes when this call is first in line; operation_aborted when cancelled.
        boost::asio::awaitable<error_code> first();

    private:
        friend class budget_line;
        std::list<place*>& line_;
        boost::asio::steady_timer turn_; ///< cancelled when the turn comes
        std::list<place*>::iterator position_;
    };

private:
    static std::size_t index(rate_scope scope) { return static_cast<std::size_t>(scope); }
    std::array<std::list<place*>, rate_scope_count> lines_;
    std::array<std::size_t, rate_scope_count> on_the_way_{};
};

} // namespace didit::detail
