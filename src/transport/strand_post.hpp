#pragma once
// Posting to the client's and the connections' strands without any_io_executor's detour.
//
// The strands are held as any_io_executor, so that any executor a user gives the client
// works. Over an io_context (the usual case) they hold an io_strand, and posting to that
// directly spares what a post through the type-erased executor costs: a copy of the executor
// with the post's properties and a wrapper allocated around the function.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <type_traits>
#include <utility>

namespace didit::detail {

/// The strand make_strand_over() builds over an io_context's executor.
using io_strand = boost::asio::strand<boost::asio::io_context::executor_type>;

namespace strand_post_detail {

template <bool Dispatch, class Executor, class Function>
void through_asio(const Executor& executor, Function&& function) {
    if constexpr (Dispatch)
        boost::asio::dispatch(executor, std::forward<Function>(function));
    else
        boost::asio::post(executor, std::forward<Function>(function));
}

/// Hands `function` to `strand` by its direct interface where Asio still has it (post() and
/// dispatch() taking an allocator): asio::post() would first make a copy of the strand per
/// property it asks for, each an atomic reference count up and down.
template <bool Dispatch, class Function> void submit(const io_strand& strand, Function&& function) {
    auto allocator = boost::asio::get_associated_allocator(function);
    if constexpr (Dispatch && requires { strand.dispatch(std::move(function), allocator); })
        strand.dispatch(std::forward<Function>(function), allocator);
    else if constexpr (!Dispatch && requires { strand.post(std::move(function), allocator); })
        strand.post(std::forward<Function>(function), allocator);
    else
        through_asio<Dispatch>(strand, std::forward<Function>(function));
}

/// The same through the strand `executor` holds, if it is an io_strand.
template <bool Dispatch, class Function>
void submit(const boost::asio::any_io_executor& executor, Function&& function) {
    if (const auto* strand = executor.target<io_strand>())
        submit<Dispatch>(*strand, std::forward<Function>(function));
    else
        through_asio<Dispatch>(executor, std::forward<Function>(function));
}

} // namespace strand_post_detail

/// asio::post(strand, function).
template <class Function> void post_to(const io_strand& strand, Function&& function) {
    strand_post_detail::submit<false>(strand, std::forward<Function>(function));
}

/// asio::post(executor, function).
template <class Function>
void post_to(const boost::asio::any_io_executor& executor, Function&& function) {
    strand_post_detail::submit<false>(executor, std::forward<Function>(function));
}

/// An executor neither an io_strand nor type-erased.
template <class Executor>
concept other_executor = !std::is_convertible_v<const Executor&, const io_strand&> &&
                         !std::is_same_v<Executor, boost::asio::any_io_executor>;

/// asio::post(executor, function), for an executor of another kind.
template <other_executor Executor, class Function>
void post_to(const Executor& executor, Function&& function) {
    boost::asio::post(executor, std::forward<Function>(function));
}

/// asio::dispatch(executor, function).
template <class Function>
void dispatch_to(const boost::asio::any_io_executor& executor, Function&& function) {
    strand_post_detail::submit<true>(executor, std::forward<Function>(function));
}

} // namespace didit::detail
