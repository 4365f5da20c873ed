#pragma once
// Running a coroutine on the client's strand with a time limit and outside cancellation,
// and handing its result to a completion handler on the handler's own executor.

#include "connection.hpp"
#include "token_policy.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
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

/// What one running operation owns besides its coroutine frames. Used only on the strand.
struct operation_state {
    explicit operation_state(const boost::asio::any_io_executor& strand) : deadline(strand) {}
    boost::asio::cancellation_signal signal;
    boost::asio::steady_timer deadline;
    diagnostics diag;
    bool timed_out = false;
    /// The connection the operation is reading or writing, if any. Beast's streams do not
    /// honour per-operation cancellation, so stopping the operation also cancels its I/O.
    connection* in_io = nullptr;

    void stop() {
        signal.emit(boost::asio::cancellation_type::terminal);
        if (in_io != nullptr)
            in_io->cancel_io();
    }
};

/// Cancellation makes the next co_await throw; turn that back into an error code so the
/// flows only deal in error codes.
template <class T>
boost::asio::awaitable<flow_result<T>> catching(boost::asio::awaitable<flow_result<T>> flow) {
    try {
        co_return co_await std::move(flow);
    } catch (const boost::system::system_error& e) {
        co_return flow_result<T>{e.code(), T{}};
    }
}

/// Spawns `make_flow(state)` on `strand`. When `limit` passes, or `outer` is emitted, the
/// flow receives terminal cancellation. `done(state, result)` runs on the strand afterwards.
template <class T, class MakeFlow, class Done>
void spawn_with_deadline(const boost::asio::any_io_executor& strand, clock::duration limit,
                         boost::asio::cancellation_slot outer, MakeFlow make_flow, Done done) {
    namespace asio = boost::asio;
    auto state = std::make_shared<operation_state>(strand);
    if (limit.count() > 0) {
        state->deadline.expires_after(limit);
        state->deadline.async_wait([state](error_code ec) {
            if (!ec) {
                state->timed_out = true;
                state->stop();
            }
        });
    }
    if (outer.is_connected()) {
        // The caller may emit from any thread; the flow's state belongs to the strand.
        outer.assign([state, strand](asio::cancellation_type) {
            asio::post(strand, [state] { state->stop(); });
        });
    }
    auto flow = catching<T>(make_flow(*state));
    asio::co_spawn(
        strand, std::move(flow),
        asio::bind_cancellation_slot(
            state->signal.slot(), [state, done = std::move(done)](std::exception_ptr failure,
                                                                  flow_result<T> result) mutable {
                state->deadline.cancel();
                if (failure)
                    result = {asio::error::no_memory, T{}}; // only bad_alloc escapes the flows
                done(*state, std::move(result));
            }));
}

/// The public operations' driver: runs the flow under config.request_timeout and the
/// handler's cancellation slot, copies diagnostics out, and completes the handler on its
/// associated executor (never inline: the flow always starts through co_spawn).
template <class T, class MakeFlow>
void run_operation(const boost::asio::any_io_executor& strand,
                   const boost::asio::any_io_executor& default_executor, clock::duration limit,
                   bool repeatable, diagnostics* user_diag, completion_handler<T> handler,
                   MakeFlow make_flow) {
    namespace asio = boost::asio;
    auto outer = asio::get_associated_cancellation_slot(handler);
    spawn_with_deadline<T>(
        strand, limit, outer, std::move(make_flow),
        [default_executor, repeatable, user_diag,
         handler = std::move(handler)](operation_state& state, flow_result<T> result) mutable {
            if (state.timed_out && result.first == asio::error::operation_aborted) {
                // A request that was sent and is not safe to repeat may have taken effect.
                result.first = state.diag.request_sent && !repeatable
                                   ? error_code{error::outcome_unknown}
                                   : error_code{error::request_timeout};
                state.diag.message = "the operation did not complete within the request timeout";
            }
            if (user_diag)
                *user_diag = std::move(state.diag);
            auto executor = asio::get_associated_executor(handler, default_executor);
            asio::dispatch(executor,
                           [handler = std::move(handler), result = std::move(result)]() mutable {
                               auto slot = asio::get_associated_cancellation_slot(handler);
                               if (slot.is_connected())
                                   slot.clear();
                               if constexpr (std::is_same_v<T, no_result>)
                                   std::move(handler)(result.first);
                               else
                                   std::move(handler)(result.first, std::move(result.second));
                           });
        });
}

} // namespace didit::detail
