#pragma once
// Every public operation in one shape: check the encoded request, run it through the
// pipeline with the client's credentials, budget and retry policy, and turn a 2xx response
// into the operation's result.

#include "operations/call_pipeline.hpp"
#include "operations/client_impl.hpp"
#include "transport/operation.hpp"
#include "transport/strand_post.hpp"
#include "wire/admin_codec.hpp"

#include <didit/client.hpp>

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

/// One public operation's call, everything it needs in one allocation: the encoded request,
/// the call built from it, the caller's handler and the slot its result is written to. Driven
/// by hand on the client's strand (driven_call) and concluded there.
template <class T, class Interpret> class call_operation final : public driven_call {
public:
    call_operation(std::shared_ptr<client_impl> impl, encoded_request&& request,
                   const call_shape& shape, Interpret interpret, diagnostics* user_diag,
                   completion_handler<T>&& handler)
        : impl_(std::move(impl)), request_(std::move(request)), interpret_(std::move(interpret)),
          user_diag_(user_diag), handler_(std::move(handler)),
          context_(impl_->api_context(impl_, request_.options)),
          spec_{.operation = shape.operation,
                .route = shape.route,
                .request = {shape.method, request_.target, impl_->api_key_credentials,
                            request_.body.empty() ? std::string_view{} : "application/json",
                            request_.body, shape.accept},
                .repeatable = shape.repeatable,
                .absent_means_done = shape.absent_means_done,
                .scopes = scopes_for(shape.scope, shape.method == "GET"),
                .max_response_bytes = shape.max_response_bytes != 0
                                          ? shape.max_response_bytes
                                          : impl_->cfg.max_response_bytes} {
        prepare();
        auto limit = request_.options.request_timeout.value_or(impl_->cfg.request_timeout);
        if (limit.count() > 0)
            deadline_at = clock::now() + limit; // watched from the registry, on the strand
    }

    ~call_operation() { drop_connection(); } // before impl_, which owns the pool, may go

    /// Starts the call on the client's strand.
    static void start(std::shared_ptr<call_operation> call) {
        auto& strand = call->impl_->strand;
        forward_cancellation(call->handler_.cancellation_slot(), call, strand);
        auto& hops = call->hops;
        post_to(strand, allocated_in(hops, [call = std::move(call)] {
                    call->impl_->operations->add(*call);
                    if (!call->request_.problem.empty()) {
                        call->diag.message = std::move(call->request_.problem);
                        return call->ended(call->request_.refusal
                                               ? call->request_.refusal
                                               : error_code{error::invalid_request});
                    }
                    call->drive();
                }));
    }

    error_code read(incoming_response& response, diagnostics& diag) override {
        if constexpr (std::is_invocable_r_v<error_code, Interpret&, incoming_response&,
                                            diagnostics&, T&>) {
            // Read straight into the result slot (a session is not moved out of the parser).
            auto ec = interpret_(response, diag, result_.second);
            if (ec)
                result_.second = T{}; // what a refused answer left there
            return ec;
        } else {
            auto [ec, value] = interpret_(response, diag);
            if (!ec)
                result_.second = std::move(value);
            return ec;
        }
    }

private:
    const call_context& context() const override { return context_; }
    const call_spec& spec() const override { return spec_; }
    const boost::asio::any_io_executor& strand() const override { return impl_->strand; }

    void ended(error_code ec) override {
        if (registry != nullptr)
            registry->remove(*this);
        result_.first = ec;
        if (ec)
            result_.second = T{}; // a value read from an earlier attempt is not the result
        conclude<T>(*this, result_, spec_.repeatable, user_diag_, impl_->executor,
                    std::move(handler_));
    }

    std::shared_ptr<client_impl> impl_;
    encoded_request request_; ///< the views of spec_ refer to it
    Interpret interpret_;
    diagnostics* user_diag_;
    completion_handler<T> handler_;
    call_context context_;
    call_spec spec_;
    flow_result<T> result_{};
};

template <class T, class Interpret>
void start_call(std::shared_ptr<client_impl> impl, encoded_request&& request, call_shape shape,
                diagnostics* diag, completion_handler<T>&& handler, Interpret interpret) {
    if (!impl)
        return refuse_without_client<T>(std::move(handler), diag);
    call_operation<T, Interpret>::start(std::make_shared<call_operation<T, Interpret>>(
        std::move(impl), std::move(request), shape, std::move(interpret), diag,
        std::move(handler)));
}

} // namespace didit::detail
