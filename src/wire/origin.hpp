#pragma once
// Where requests go: an https origin plus an optional path prefix, parsed once from config.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace didit::detail {

struct origin {
    std::string host;        ///< as written in the URL, without brackets for IPv6
    std::string port;        ///< "443" when the URL has none
    std::string host_header; ///< value of the Host header: host[:port]
    std::string path_prefix; ///< "" or "/prefix" without a trailing slash
    bool host_is_ip = false;

    /// Two URLs share connections only when scheme, host and port are equal.
    bool same_server(const origin& other) const { return host == other.host && port == other.port; }
};

/// Parses an absolute https URL. The error string names what is wrong, not the URL.
boost::system::result<origin, std::string> parse_origin(std::string_view url);

} // namespace didit::detail
