#pragma once
// Running a coroutine on the client's strand with a time limit and outside cancellation,
// and handing its result to a completion handler on the handler's own executor.

#include "api/clock.hpp"
#include "transport/connection.hpp"
#include "transport/io_claim.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace didit::detail {

template <class T> using flow_result = std::pair<error_code, T>;

/// The result type of operations that complete with `void(error_code)`.
struct no_result {};

template <class T> struct completion_of { using signature = void(error_code, T); };
template <> struct completion_of<no_result> { using signature = void(error_code); };
template <class T>
using completion_handler =
    boost::asio::any_completion_handler<typename completion_of<T>::signature>;

class operation_registry;

/// What one running operation owns besides its coroutine frames. Used only on the strand,
/// except `io_running`.
struct operation_state : io_claim, std::enable_shared_from_this<operation_state> {
    boost::asio::cancellation_signal signal;
    /// When the operation is stopped as timed out; watched by its registry.
    clock::time_point deadline_at = clock::time_point::max();
    bool timed_out = false;
    bool stopped = false;
    /// An attempt's bytes may be on their way: a stop now leaves its effect unknown.
    bool in_flight = false;
    /// An earlier attempt may have taken effect without a usable answer.
    bool ambiguous = false;

    // Links of the registry of operations in flight (client::cancel()).
    operation_state* previous = nullptr;
    operation_state* next = nullptr;
    operation_registry* registry = nullptr;

    /// True when the request may have taken effect (something was sent and no answer ruled
    /// it out).
    bool effect_possible() const { return in_flight || ambiguous; }

    clock::duration time_left(clock::time_point now) const {
        return deadline_at == clock::time_point::max() ? clock::duration::max() : deadline_at - now;
    }

    void stop() {
        stopped = true;
        signal.emit(boost::asio::cancellation_type::terminal);
        if (in_io == nullptr)
            return;
        // The connection's I/O belongs to its strand. The work lent to it was queued there
        // before this, so this finds it running unless it has ended.
        boost::asio::post(in_io->strand(), [self = shared_from_this(), conn = in_io] {
            if (self->io_running.load(std::memory_order_acquire) == conn)
                conn->abort_io();
        });
    }
};

/// The operations in flight on one client, so that client::cancel() can stop them all, and
/// their deadlines: one timer, armed for the earliest while any operation runs, stops those
/// whose time is up. Used only on the strand; held by shared_ptr because a wait in progress
/// keeps it.
class operation_registry : public std::enable_shared_from_this<operation_registry> {
public:
    explicit operation_registry(const boost::asio::any_io_executor& strand) : timer_(strand) {}

    void add(operation_state& op) {
        op.registry = this;
        op.next = head_;
        if (head_ != nullptr)
            head_->previous = &op;
        head_ = &op;
        if (op.deadline_at < armed_for_)
            arm(op.deadline_at);
    }
    void remove(operation_state& op) {
        if (op.registry != this)
            return;
        (op.previous ? op.previous->next : head_) = op.next;
        if (op.next != nullptr)
            op.next->previous = op.previous;
        op.previous = op.next = nullptr;
        op.registry = nullptr;
        if (head_ == nullptr && armed_for_ != clock::time_point::max()) {
            armed_for_ = clock::time_point::max();
            timer_.cancel(); // nothing left to watch: no wait keeps the io_context busy
        }
    }
    void stop_all() {
        for (auto* op = head_; op != nullptr;) {
            auto* next = op->next; // stop() never unlinks synchronously, but be safe
            op->stop();
            op = next;
        }
    }

private:
    void arm(clock::time_point at) {
        armed_for_ = at;
        timer_.expires_at(at); // a wait in progress completes as cancelled
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec)
                self->expire(clock::now());
        });
    }

    /// Stops the operations whose deadline has passed and waits for the next deadline. An
    /// expiry that finds its wait replaced by an earlier one only looks too soon.
    void expire(clock::time_point now) {
        auto next = clock::time_point::max();
        for (auto* op = head_; op != nullptr;) {
            auto* following = op->next;
            if (!op->timed_out && op->deadline_at <= now) {
                op->timed_out = true;
                op->stop();
            } else if (!op->timed_out) {
                next = std::min(next, op->deadline_at);
            }
            op = following;
        }
        armed_for_ = clock::time_point::max();
        if (next != clock::time_point::max())
            arm(next);
    }

    operation_state* head_ = nullptr;
    boost::asio::steady_timer timer_;
    clock::time_point armed_for_ = clock::time_point::max(); ///< the wait's deadline, if any
};

/// An operation's state with the slot its result is written to. The result stays there until
/// the handler takes it, so that it is moved once, not through every layer on the way out.
template <class T> struct operation_with_result : operation_state {
    using value_type = T;
    flow_result<T> result{};
};

/// Cancellation makes the next co_await throw; turn that back into an error code so the
/// flows only deal in error codes. Registers the operation while it runs. A flow returns its
/// whole result, or only its error code when it wrote its value into state.result itself (which
/// saves moving the value through every layer).
template <class T, class FlowResult>
boost::asio::awaitable<void> catching(operation_registry& registry,
                                      std::shared_ptr<operation_with_result<T>> state,
                                      boost::asio::awaitable<FlowResult> flow) {
    registry.add(*state);
    try {
        if constexpr (std::is_same_v<FlowResult, error_code>)
            state->result.first = co_await std::move(flow);
        else
            state->result = co_await std::move(flow);
    } catch (const boost::system::system_error& e) {
        state->result = {e.code(), T{}};
    }
}

/// Forwards `outer`'s cancellation to `state`, on the strand its state belongs to: terminal
/// cancellation stops it; partial and total only while nothing has been sent.
inline void forward_cancellation(boost::asio::cancellation_slot outer,
                                 const std::shared_ptr<operation_state>& state,
                                 const boost::asio::any_io_executor& strand) {
    namespace asio = boost::asio;
    if (!outer.is_connected())
        return;
    // The caller may emit from any thread.
    outer.assign([state, strand](asio::cancellation_type type) {
        asio::post(strand, [state, type] {
            bool terminal =
                (type & asio::cancellation_type::terminal) != asio::cancellation_type::none;
            if (terminal || !state->diag.request_sent)
                state->stop();
        });
    });
}

/// Spawns `make_flow(*state)` on `strand` (`State` is an operation_with_result, or derives
/// from one to keep what its flow refers to). When `limit` passes, or `outer` asks for terminal
/// cancellation, the flow receives terminal cancellation; partial and total cancellation are
/// honoured only while nothing has been sent. `done(state)`, with the flow's result in
/// state.result, runs on the strand afterwards. `registry` lists the operation while it runs
/// and watches its deadline.
template <class State, class MakeFlow, class Done>
void spawn_with_deadline(std::shared_ptr<State> state, const boost::asio::any_io_executor& strand,
                         clock::duration limit, boost::asio::cancellation_slot outer,
                         operation_registry& registry, MakeFlow make_flow, Done done) {
    namespace asio = boost::asio;
    using T = typename State::value_type;
    if (limit.count() > 0)
        state->deadline_at = clock::now() + limit; // watched from registry.add(), on the strand
    forward_cancellation(outer, state, strand);
    auto flow = catching<T>(registry, state, make_flow(*state));
    asio::co_spawn(strand, std::move(flow),
                   asio::bind_cancellation_slot(
                       state->signal.slot(),
                       [state, done = std::move(done)](std::exception_ptr failure) mutable {
                           if (state->registry != nullptr)
                               state->registry->remove(*state);
                           if (failure) // only bad_alloc escapes the flows
                               state->result = {asio::error::no_memory, T{}};
                           done(*state);
                       }));
}

/// The error a stopped operation ends with: a request that may have taken effect and is not
/// safe to repeat is outcome_unknown; otherwise request_timeout or operation_aborted.
inline error_code stopped_error(const operation_state& state, bool repeatable) {
    if (state.effect_possible() && !repeatable)
        return error::outcome_unknown;
    if (state.timed_out)
        return error::request_timeout;
    return boost::asio::error::operation_aborted;
}

/// Completes `handler` with `*result` on its associated executor (default
/// `default_executor`), never inline and so never inside the client's strand: it is posted
/// to `default_executor` and dispatched from there, and its cancellation slot is cleared on
/// its own executor just before it runs. The result is moved once, into the handler.
template <class T>
void complete(const boost::asio::any_io_executor& default_executor, completion_handler<T> handler,
              std::shared_ptr<flow_result<T>> result) {
    namespace asio = boost::asio;
    auto executor = asio::get_associated_executor(handler, default_executor);
    auto finish = [handler = std::move(handler), result = std::move(result)]() mutable {
        if (auto slot = asio::get_associated_cancellation_slot(handler); slot.is_connected())
            slot.clear();
        auto& [ec, value] = *result;
        if constexpr (std::is_same_v<T, no_result>)
            std::move(handler)(ec);
        else
            std::move(handler)(ec, std::move(value));
    };
    asio::post(default_executor, asio::bind_executor(executor, std::move(finish)));
}

/// The same for a result that no operation holds (a refusal before anything ran).
template <class T>
void complete(const boost::asio::any_io_executor& default_executor, completion_handler<T> handler,
              flow_result<T> result) {
    complete<T>(default_executor, std::move(handler),
                std::make_shared<flow_result<T>>(std::move(result)));
}

/// Ends a public operation: a stop becomes the error it means, diagnostics go to the caller's
/// `user_diag` (when given), and `handler` is completed with `result` on its associated
/// executor (default `default_executor`).
template <class T>
void conclude(operation_state& state, flow_result<T>& result, bool repeatable,
              diagnostics* user_diag, const boost::asio::any_io_executor& default_executor,
              completion_handler<T> handler) {
    if (state.stopped && result.first == boost::asio::error::operation_aborted) {
        result.first = stopped_error(state, repeatable);
        if (state.timed_out)
            state.diag.message = "the operation did not complete within the request timeout";
        else if (result.first == error::outcome_unknown)
            state.diag.message = "the operation was cancelled after its request was sent";
    }
    if (result.first)
        result.second = T{}; // a value an earlier attempt read is not the result
    if (user_diag)
        *user_diag = std::move(state.diag);
    // The handler's wait keeps the state, which holds the result: it is not moved on the way.
    complete<T>(default_executor, std::move(handler),
                std::shared_ptr<flow_result<T>>(state.shared_from_this(), &result));
}

/// The driver of every operation: runs its flow, one coroutine on the client's strand, under
/// `limit` and the handler's cancellation slot, and concludes it.
template <class State, class MakeFlow>
void run_operation(std::shared_ptr<State> state, const boost::asio::any_io_executor& strand,
                   const boost::asio::any_io_executor& default_executor, clock::duration limit,
                   operation_registry& registry, bool repeatable, diagnostics* user_diag,
                   completion_handler<typename State::value_type> handler, MakeFlow make_flow) {
    using T = typename State::value_type;
    auto outer = boost::asio::get_associated_cancellation_slot(handler);
    spawn_with_deadline(std::move(state), strand, limit, outer, registry, std::move(make_flow),
                        [default_executor, repeatable, user_diag,
                         handler = std::move(handler)](operation_with_result<T>& state) mutable {
                            conclude<T>(state, state.result, repeatable, user_diag,
                                        default_executor, std::move(handler));
                        });
}

/// The same with a state of its own.
template <class T, class MakeFlow>
void run_operation(const boost::asio::any_io_executor& strand,
                   const boost::asio::any_io_executor& default_executor, clock::duration limit,
                   operation_registry& registry, bool repeatable, diagnostics* user_diag,
                   completion_handler<T> handler, MakeFlow make_flow) {
    run_operation(std::make_shared<operation_with_result<T>>(), strand, default_executor, limit,
                  registry, repeatable, user_diag, std::move(handler), std::move(make_flow));
}

} // namespace didit::detail
