#pragma once
// One API request with the client's credentials, whatever the generation.

#include "client_impl.hpp"
#include "exchange.hpp"
#include "operation.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string_view>

namespace didit::detail {

struct api_request {
    std::string_view method;
    std::string_view target;            ///< full path, prefix included
    std::string_view content_type = {}; ///< "" when there is no body
    std::string_view body = {};
    bool repeatable = false;            ///< reads may go again on a broken reused connection
    std::size_t max_response_bytes = 0; ///< 0: config.max_response_bytes
};

/// Sends `request` and reads the response into `response`, whatever its status. v1 sends the
/// shared access token; a 401 means the token was refused before anything happened, so that
/// token is invalidated and the request goes once more with a fresh one. v3 sends the API key.
/// Errors are transport and token failures only.
boost::asio::awaitable<error_code> call_api(const std::shared_ptr<client_impl>& impl,
                                            const api_request& request, incoming_response& response,
                                            operation_state& op);

} // namespace didit::detail
