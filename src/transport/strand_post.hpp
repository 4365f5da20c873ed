#pragma once
// Posting to the client's and the connections' strands without any_io_executor's detour.
//
// The strands are held as any_io_executor, so that any executor a user gives the client
// works. Over an io_context (the usual case) they hold an io_strand, and posting to that
// directly spares what a post through the type-erased executor costs: a copy of the executor
// with the post's properties and a wrapper allocated around the function.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <utility>

namespace didit::detail {

/// The strand make_strand_over() builds over an io_context's executor.
using io_strand = boost::asio::strand<boost::asio::io_context::executor_type>;

/// asio::post(executor, function).
template <class Function>
void post_to(const boost::asio::any_io_executor& executor, Function&& function) {
    if (const auto* strand = executor.target<io_strand>())
        boost::asio::post(*strand, std::forward<Function>(function));
    else
        boost::asio::post(executor, std::forward<Function>(function));
}

/// asio::dispatch(executor, function).
template <class Function>
void dispatch_to(const boost::asio::any_io_executor& executor, Function&& function) {
    if (const auto* strand = executor.target<io_strand>())
        boost::asio::dispatch(*strand, std::forward<Function>(function));
    else
        boost::asio::dispatch(executor, std::forward<Function>(function));
}

} // namespace didit::detail
