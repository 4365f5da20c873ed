#pragma once
// `GET /v3/sessions/`: filters, newest-first order and limit/offset pages. Pure.

#include "session_record.hpp"

#include <boost/json/object.hpp>

#include <string_view>
#include <vector>

namespace didit::emulator::detail {

/// The page `target` (path and query) asks for, over the live `sessions` (in any order), with
/// next/previous links under `origin` ("https://host:port"). On a bad parameter returns false
/// and the service's 400 body in `page`.
bool list_page(const std::vector<const session_record*>& sessions, std::string_view origin,
               std::string_view target, boost::json::object& page);

} // namespace didit::emulator::detail
