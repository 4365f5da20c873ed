#pragma once
// What client::call() returns: any endpoint's answer, as JSON.

#include <boost/json/value.hpp>

namespace didit {

/// A 2xx answer of client::call(): its status and its JSON body (null when it had none, as a
/// 204 has). Other statuses fail the call with the same errors and diagnostics as the typed
/// operations.
struct api_response {
    int status = 0;
    boost::json::value body;
};

} // namespace didit
