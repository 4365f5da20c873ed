#pragma once
// How the public operations meet Asio: any completion token, use_awaitable throwing api_error,
// and with_options() overrides. Templates only, compiled into the caller; each ends in one of
// the start_* functions of operations.hpp. Not part of the API.

#include <didit/api_error.hpp>
#include <didit/detail/operations.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace didit {

template <typename Token> struct with_options_t;

namespace detail {

template <typename Signature, typename Arguments>
using start_function = void (*)(std::shared_ptr<client_impl>, Arguments&&, diagnostics*,
                                boost::asio::any_completion_handler<Signature>&&);

template <typename Signature, typename Arguments, typename CompletionToken>
auto initiate_with_token(std::shared_ptr<client_impl> impl,
                         start_function<Signature, Arguments> start, Arguments arguments,
                         diagnostics* diag, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, Signature>(
        [start](auto handler, std::shared_ptr<client_impl> impl, Arguments arguments,
                diagnostics* diag) {
            start(std::move(impl), std::move(arguments), diag, std::move(handler));
        },
        token, std::move(impl), std::move(arguments), diag);
}

template <typename Signature> struct call_result;
template <> struct call_result<void(error_code)> { using type = void; };
template <typename T> struct call_result<void(error_code, T)> { using type = T; };

template <typename Token> struct use_awaitable_executor {};
template <typename Executor> struct use_awaitable_executor<boost::asio::use_awaitable_t<Executor>> {
    using type = Executor;
};
template <typename Token>
concept use_awaitable_token = requires {
    typename use_awaitable_executor<Token>::type;
};

/// With use_awaitable, a failure throws api_error carrying the server's words, rather than
/// the bare system_error Asio would throw. The caller's diagnostics, if any, are filled too.
template <typename Signature, typename Executor, typename Arguments>
boost::asio::awaitable<typename call_result<Signature>::type, Executor>
await_or_throw(std::shared_ptr<client_impl> impl, start_function<Signature, Arguments> start,
               Arguments arguments, diagnostics* diag) {
    diagnostics own;
    diagnostics* kept = diag ? diag : &own;
    auto result = co_await initiate_with_token<Signature>(
        std::move(impl), start, std::move(arguments), kept,
        boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{}));
    if (error_code ec = std::get<0>(result))
        throw api_error(ec, *kept);
    if constexpr (!std::is_void_v<typename call_result<Signature>::type>)
        co_return std::move(std::get<1>(result));
}

template <typename Token> struct options_token {};
template <typename Token> struct options_token<with_options_t<Token>> { using inner = Token; };

/// The thin template front end of every operation: `start` is compiled once in the library and
/// receives the type-erased handler. Arguments are captured by value, so a deferred operation
/// may start later.
template <typename Signature, typename Arguments, typename CompletionToken>
auto initiate(std::shared_ptr<client_impl> impl, start_function<Signature, Arguments> start,
              Arguments arguments, diagnostics* diag, CompletionToken&& token) {
    using token_type = std::remove_cvref_t<CompletionToken>;
    if constexpr (requires { typename options_token<token_type>::inner; }) {
        apply_call_options(arguments, token.options);
        return initiate<Signature>(std::move(impl), start, std::move(arguments), diag,
                                   std::move(token.token));
    } else if constexpr (use_awaitable_token<token_type>)
        return await_or_throw<Signature, typename use_awaitable_executor<token_type>::type>(
            std::move(impl), start, std::move(arguments), diag);
    else
        return initiate_with_token<Signature>(std::move(impl), start, std::move(arguments), diag,
                                              std::forward<CompletionToken>(token));
}

template <typename T>
concept completion_token_not_diagnostics = !std::is_same_v<std::remove_cvref_t<T>, diagnostics>;
/// client::call()'s token: neither diagnostics nor something that would be a body.
template <typename T>
concept call_completion_token =
    completion_token_not_diagnostics<T> && !std::is_convertible_v<T, const boost::json::value&> &&
    !std::is_same_v<std::remove_cvref_t<T>, multipart_form>;

} // namespace detail
} // namespace didit
