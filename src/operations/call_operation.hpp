#pragma once
// Every public operation in one shape: check the encoded request, run it through the
// pipeline with the client's credentials, budget and retry policy, and turn a 2xx response
// into the operation's result.

#include "operations/call_pipeline.hpp"
#include "operations/client_impl.hpp"
#include "operations/operation.hpp"
#include "wire/admin_codec.hpp"

#include <didit/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/system_executor.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace didit::detail {

inline encoded_request refuse(std::string problem, error refusal = error::invalid_request) {
    encoded_request request;
    request.problem = std::move(problem);
    request.refusal = refusal;
    return request;
}

inline constexpr std::string_view moved_from_problem =
    "the operation was started on a moved-from didit::client";

inline encoded_request refuse_moved_from() {
    return refuse(std::string{moved_from_problem}, error::client_moved_from);
}

/// "<prefix>/v1/session/<id>/<v1_suffix>" or "<prefix>/v3/session/<id>/<v3_suffix>".
inline encoded_request session_call(const client_impl* impl, std::string_view session_id,
                                    std::string_view v1_suffix, std::string_view v3_suffix) {
    if (impl == nullptr)
        return refuse_moved_from();
    if (auto problem = check_session_id(session_id); !problem.empty())
        return refuse(std::move(problem));
    bool v1 = impl->generation == api_generation::v1;
    encoded_request request;
    request.target = impl->target(v1 ? "/v1/session/" : "/v3/session/");
    request.target.append(session_id).append("/").append(v1 ? v1_suffix : v3_suffix);
    return request;
}

/// The route template of `impl`'s generation, for observers (v1 without a client).
inline std::string_view route_for(const client_impl* impl, std::string_view v1,
                                  std::string_view v3) {
    return impl != nullptr && impl->generation == api_generation::v3 ? v3 : v1;
}

/// What kind of call an operation makes.
struct call_shape {
    std::string_view operation; ///< for observers, e.g. "create_session"
    std::string_view route;     ///< for observers: the path template, e.g. "/v3/session/{id}/"
    std::string_view method;
    bool repeatable = false;            ///< safe to repeat after an ambiguous attempt
    bool absent_means_done = false;     ///< a delete: 404 after an ambiguous attempt is success
    std::optional<rate_scope> scope{};  ///< the endpoint's own rate scope, if it has one
    std::size_t max_response_bytes = 0; ///< 0: config.max_response_bytes
    std::string_view accept = "application/json";
};

/// Completes `handler` with client_moved_from when there is no client behind the operation.
template <class T> void refuse_without_client(completion_handler<T> handler, diagnostics* diag) {
    if (diag)
        diag->message = std::string{moved_from_problem};
    // No client, so no executor of its own to leave through.
    complete<T>(boost::asio::system_executor{}, std::move(handler),
                flow_result<T>{error::client_moved_from, T{}});
}

/// Reads a 2xx response into the operation's result with `Interpret`, which either fills a
/// value in place, (response, diag, T&) -> error_code, or returns one, (response, diag) ->
/// flow_result<T>.
template <class T, class Interpret> class result_reader final : public response_reader {
public:
    explicit result_reader(Interpret interpret) : interpret_(std::move(interpret)) {}

    error_code read(incoming_response& response, diagnostics& diag) override {
        if constexpr (std::is_invocable_r_v<error_code, Interpret&, incoming_response&,
                                            diagnostics&, T&>) {
            auto ec = interpret_(response, diag, value);
            if (ec)
                value = T{}; // what a refused answer left there
            return ec;
        } else {
            auto [ec, read] = interpret_(response, diag);
            if (!ec)
                value = std::move(read);
            return ec;
        }
    }

    T value{};

private:
    Interpret interpret_;
};

/// One public operation's call: the encoded request through the pipeline with the client's
/// credentials, budget and retry policy.
template <class T, class Interpret>
boost::asio::awaitable<flow_result<T>> call_flow(std::shared_ptr<client_impl> impl,
                                                 encoded_request request, call_shape shape,
                                                 Interpret interpret, operation_state& op) {
    if (!request.problem.empty()) {
        op.diag.message = std::move(request.problem);
        co_return flow_result<T>{
            request.refusal ? request.refusal : error_code{error::invalid_request}, T{}};
    }
    auto context = impl->api_context(impl, request.options);
    const call_spec spec{.operation = shape.operation,
                         .route = shape.route,
                         .request = {shape.method, request.target, impl->api_key_credentials,
                                     request.body.empty() ? std::string_view{} : "application/json",
                                     request.body, shape.accept},
                         .repeatable = shape.repeatable,
                         .absent_means_done = shape.absent_means_done,
                         .scopes = scopes_for(shape.scope, shape.method == "GET"),
                         .max_response_bytes = shape.max_response_bytes != 0
                                                   ? shape.max_response_bytes
                                                   : impl->cfg.max_response_bytes};
    result_reader<T, Interpret> reader{std::move(interpret)};
    auto ec = co_await perform_call(context, spec, reader, op);
    co_return flow_result<T>{ec, ec ? T{} : std::move(reader.value)};
}

template <class T, class Interpret>
void start_call(std::shared_ptr<client_impl> impl, encoded_request&& request, call_shape shape,
                diagnostics* diag, completion_handler<T>&& handler, Interpret interpret) {
    if (!impl)
        return refuse_without_client<T>(std::move(handler), diag);
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = request.options.request_timeout.value_or(impl->cfg.request_timeout);
    auto& registry = *impl->operations;
    run_operation<T>(strand, executor, limit, registry, shape.repeatable, diag, std::move(handler),
                     [impl = std::move(impl), request = std::move(request), shape,
                      interpret = std::move(interpret)](operation_state& op) mutable {
                         return call_flow<T>(std::move(impl), std::move(request), shape,
                                             std::move(interpret), op);
                     });
}

} // namespace didit::detail
