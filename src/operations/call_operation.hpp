#pragma once
// Every public operation in one shape: check the encoded request, run it through the
// pipeline with the client's credentials, budget and retry policy, and turn a 2xx response
// into the operation's result.

#include "operations/call_pipeline.hpp"
#include "operations/client_impl.hpp"
#include "operations/generic_call.hpp"
#include "operations/operation.hpp"
#include "operations/operation_table.hpp"
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

inline std::string_view content_type_of(const encoded_request& request) {
    if (!request.content_type.empty())
        return request.content_type;
    return request.body.empty() ? std::string_view{} : "application/json";
}

/// The call `kind` makes for `request` on `impl`: the row's route for the client's generation,
/// the request with the client's credentials, and what the request adds to the row.
inline call_spec spec_for(const operation_kind& kind, const client_impl& impl,
                          const encoded_request& request) {
    auto method = kind.method.empty() ? request.method : kind.method;
    call_spec spec{.kind = kind,
                   .route = impl.generation == api_generation::v3 ? kind.v3_route : kind.v1_route,
                   .request = {.method = method,
                               .target = request.target,
                               .credentials = impl.api_key_credentials,
                               .content_type = content_type_of(request),
                               .body = request.body,
                               .accept = kind.accept,
                               .headers = request.headers,
                               .form = request.form.get()},
                   .repeatable = kind.repeatable || request.idempotent,
                   .scopes = {},
                   .max_response_bytes = kind.accept == "application/pdf"
                                             ? impl.cfg.max_pdf_bytes
                                             : impl.cfg.max_response_bytes};
    if (kind.budgeted) {
        auto scope = kind.scope;
        // client::call(): the endpoint's own, found from its path (none when it was refused)
        if (kind.method.empty() && request.target.size() >= impl.api_prefix.size())
            scope = endpoint_scope(method,
                                   std::string_view{request.target}.substr(impl.api_prefix.size()));
        spec.scopes = scopes_for(scope, method == "GET");
    }
    return spec;
}

/// Completes `handler` with client_moved_from when there is no client behind the operation.
template <class T> void refuse_without_client(completion_handler<T> handler, diagnostics* diag) {
    if (diag)
        diag->message = std::string{moved_from_problem};
    // No client, so no executor of its own to leave through.
    complete<T>(boost::asio::system_executor{}, std::move(handler),
                flow_result<T>{error::client_moved_from, T{}});
}

/// Reads a 2xx response into `value` with `Interpret`, which either fills it in place,
/// (response, diag, T&) -> error_code, or returns one, (response, diag) -> flow_result<T>.
template <class T, class Interpret> class result_reader final : public response_reader {
public:
    result_reader(Interpret interpret, T& value)
        : interpret_(std::move(interpret)), value_(value) {}

    error_code read(incoming_response& response, diagnostics& diag) override {
        if constexpr (std::is_invocable_r_v<error_code, Interpret&, incoming_response&,
                                            diagnostics&, T&>) {
            auto ec = interpret_(response, diag, value_);
            if (ec)
                value_ = T{}; // what a refused answer left there
            return ec;
        } else {
            auto [ec, read] = interpret_(response, diag);
            if (!ec)
                value_ = std::move(read);
            return ec;
        }
    }

private:
    Interpret interpret_;
    T& value_;
};

/// One public operation's call and everything it refers to while it runs: the encoded
/// request, the pipeline's view of it, and the reader that takes the answer straight into the
/// operation's result slot (a session is not moved through every layer on its way out).
template <class T, class Interpret> struct call_state : operation_with_result<T> {
    call_state(std::shared_ptr<client_impl> client, encoded_request&& encoded,
               const operation_kind& kind, Interpret interpret)
        : impl(std::move(client)), request(std::move(encoded)),
          context(impl->api_context(impl, request.options)), spec(spec_for(kind, *impl, request)),
          reader(std::move(interpret), this->result.second) {}

    std::shared_ptr<client_impl> impl;
    encoded_request request; ///< context and spec refer to it
    call_context context;
    call_spec spec;
    result_reader<T, Interpret> reader;
};

/// The call of a request refused before anything was sent.
inline boost::asio::awaitable<error_code> refused_call(operation_state& op,
                                                       encoded_request& request) {
    op.diag.message = std::move(request.problem);
    co_return request.refusal ? request.refusal : error_code{error::invalid_request};
}

/// Runs the call `kind` makes for `request` as a public operation completing `handler`;
/// `interpret` reads its 2xx answer (see result_reader).
template <class T, class Interpret>
void start_call(std::shared_ptr<client_impl> impl, encoded_request&& request,
                const operation_kind& kind, diagnostics* diag, completion_handler<T>&& handler,
                Interpret interpret) {
    if (!impl)
        return refuse_without_client<T>(std::move(handler), diag);
    auto strand = impl->strand;
    auto executor = impl->executor;
    auto limit = request.options.request_timeout.value_or(impl->cfg.request_timeout);
    auto& registry = *impl->operations;
    bool repeatable = kind.repeatable || request.idempotent;
    using state = call_state<T, Interpret>;
    run_operation(
        std::make_shared<state>(std::move(impl), std::move(request), kind, std::move(interpret)),
        strand, executor, limit, registry, repeatable, diag, std::move(handler), [](state& call) {
            if (!call.request.problem.empty())
                return refused_call(call, call.request);
            return perform_call(call.context, call.spec, call.reader, call);
        });
}

} // namespace didit::detail
