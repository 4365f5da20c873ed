#pragma once
// Which emulated endpoint a request is for. Pure.

#include <didit/config.hpp>
#include <didit/emulator.hpp>

#include <boost/beast/http/verb.hpp>

#include <string>
#include <string_view>

namespace didit::emulator::detail {

struct route {
    endpoint where = endpoint::other;
    api_generation generation = api_generation::v1;
    std::string session_id; ///< for per-session routes
};

route parse_route(boost::beast::http::verb method, std::string_view target);

} // namespace didit::emulator::detail
