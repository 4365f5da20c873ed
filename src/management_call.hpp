#pragma once
// The shape shared by every call after create: check the encoded request, send it with the
// client's credentials, map a failure status to an error with diagnostics, and let the
// operation interpret a success.

#include "admin_codec.hpp"
#include "api_call.hpp"
#include "client_impl.hpp"
#include "operation.hpp"
#include "response_mapping.hpp"

#include <didit/client.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace didit::detail {

inline encoded_request refuse(std::string problem, error refusal = error::invalid_request) {
    encoded_request request;
    request.problem = std::move(problem);
    request.refusal = refusal;
    return request;
}

/// "<prefix>/v1/session/<id>/<v1_suffix>" or "<prefix>/v3/session/<id>/<v3_suffix>".
inline encoded_request session_call(const client_impl& impl, std::string_view session_id,
                                    std::string_view v1_suffix, std::string_view v3_suffix) {
    if (auto problem = check_session_id(session_id); !problem.empty())
        return refuse(std::move(problem));
    bool v1 = impl.generation == api_generation::v1;
    encoded_request request;
    request.target = impl.target(v1 ? "/v1/session/" : "/v3/session/");
    request.target.append(session_id).append("/").append(v1 ? v1_suffix : v3_suffix);
    return request;
}

/// What one management call sends and how its response becomes a result.
struct call_shape {
    std::string_view method;
    bool repeatable = false;
    std::size_t max_response_bytes = 0;
};

template <class T, class Interpret>
boost::asio::awaitable<flow_result<T>> management_flow(std::shared_ptr<client_impl> impl,
                                                       encoded_request request, call_shape shape,
                                                       Interpret interpret, operation_state& op) {
    auto& diag = op.diag;
    if (!request.problem.empty()) {
        diag.message = std::move(request.problem);
        co_return flow_result<T>{
            request.refusal ? request.refusal : error_code{error::invalid_request}, T{}};
    }
    incoming_response response;
    api_request call{shape.method,
                     request.target,
                     request.body.empty() ? std::string_view{} : "application/json",
                     request.body,
                     shape.repeatable,
                     shape.max_response_bytes};
    auto ec = co_await call_api(impl, call, response, op);
    if (ec)
        co_return flow_result<T>{ec, T{}};
    if (auto status_ec = error_for_api_status(response.status)) {
        describe_failure(response.status, response.body, response.retry_after, diag);
        co_return flow_result<T>{status_ec, T{}};
    }
    diag.http_status = static_cast<int>(response.status);
    co_return interpret(response, diag);
}

template <class T, class Interpret>
void start_management(std::shared_ptr<client_impl> impl, encoded_request request, call_shape shape,
                      diagnostics* diag, completion_handler<T> handler, Interpret interpret) {
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = impl->cfg.request_timeout;
    run_operation<T>(strand, executor, limit, shape.repeatable, diag, std::move(handler),
                     [impl = std::move(impl), request = std::move(request), shape,
                      interpret](operation_state& op) mutable {
                         return management_flow<T>(std::move(impl), std::move(request), shape,
                                                   interpret, op);
                     });
}

} // namespace didit::detail
