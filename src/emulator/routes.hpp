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
    /// Where the service redirects (301) a path it serves elsewhere; empty otherwise.
    std::string redirect_to;
};

/// The reference's paths end in a slash; one without it is not found, except the two the
/// service redirects (`/v3/sessions` and v3's slash-less PDF path) and the token endpoint, which
/// is documented both ways.
route parse_route(boost::beast::http::verb method, std::string_view target);

} // namespace didit::emulator::detail
