#pragma once
// What client::call() returns: any endpoint's answer, as JSON.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace didit {

/// A 2xx answer of client::call(): its status and its JSON body (null when it had none, as a
/// 204 has). Other statuses fail the call with the same errors and diagnostics as the typed
/// operations.
struct api_response {
    int status = 0;
    boost::json::value body;
};

/// One page of any listing (client::pages()): its rows, as JSON.
struct list_page {
    std::vector<boost::json::value> rows; ///< the page's `results` (or the body, an array)
    /// The page's `count`, as the service wrote it: some listings cap it (at 100), so it is
    /// not a total to stop at. Absent when the page had none.
    std::optional<std::uint64_t> count;
};

} // namespace didit
