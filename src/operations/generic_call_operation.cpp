// client::call(): any endpoint through the same pipeline as the typed operations.
#include "operations/call_operation.hpp"
#include "operations/generic_call.hpp"
#include "wire/multipart.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace didit::detail {

namespace {

/// What every call() checks and sets: the client, the method and the path.
encoded_request encode_call_target(const client_impl* impl, std::string_view method,
                                   std::string_view path) {
    if (impl == nullptr)
        return refuse_moved_from();
    auto known = canonical_method(method);
    if (known.empty())
        return refuse("the method must be GET, POST, PUT, PATCH or DELETE");
    if (auto problem = check_call_path(path); !problem.empty())
        return refuse(std::move(problem));
    encoded_request request;
    request.method = known;
    request.target = impl->target(path);
    return request;
}

} // namespace

encoded_request encode_generic_call(const client_impl* impl, std::string_view method,
                                    std::string_view path, const boost::json::value* body) {
    auto request = encode_call_target(impl, method, path);
    if (!request.problem.empty())
        return request;
    request.idempotent = repeatable_method(request.method);
    if (body != nullptr)
        request.body = boost::json::serialize(*body);
    if (takes_idempotency_key(request.method, path)) {
        request.headers = idempotency_header();
        request.idempotent = true;
    }
    return request;
}

/// Never repeatable: a form is not sent twice after an ambiguous failure.
encoded_request encode_form_call(const client_impl* impl, std::string_view method,
                                 std::string_view path, const multipart_form& form) {
    auto request = encode_call_target(impl, method, path);
    if (!request.problem.empty())
        return request;
    if (request.method == "GET" || request.method == "DELETE")
        return refuse("a multipart body goes with POST, PUT or PATCH");
    auto encoded = std::make_shared<encoded_form>();
    auto route = path.substr(0, path.find('?'));
    if (auto problem = encode_form(form, choose_boundary(form), route, *encoded); !problem.empty())
        return refuse(std::move(problem));
    request.content_type = encoded->content_type;
    request.form = std::move(encoded);
    return request;
}

namespace {

flow_result<api_response> read_api_response(const incoming_response& response, diagnostics& diag) {
    api_response out;
    out.status = static_cast<int>(response.status);
    if (response.body.empty())
        return {error_code{}, std::move(out)};
    boost::system::error_code ec;
    out.body = boost::json::parse(response.body, ec);
    if (ec) {
        diag.message = "the response body is not JSON: " + ec.message();
        return {error::invalid_response, api_response{}};
    }
    return {error_code{}, std::move(out)};
}

} // namespace

void start_generic_call(std::shared_ptr<client_impl> impl, encoded_request&& request,
                        diagnostics* diag, api_response_handler&& handler) {
    start_call<api_response>(std::move(impl), std::move(request), operations::call, diag,
                             std::move(handler), &read_api_response);
}

} // namespace didit::detail
