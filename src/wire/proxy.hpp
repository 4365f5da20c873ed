#pragma once
// A forward proxy, parsed once from config: where to open TCP, what to send with CONNECT, and
// which hosts go around it (NO_PROXY, with curl's rules). Pure: no I/O.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace didit::detail {

struct proxy_route {
    std::string host; ///< without brackets for IPv6
    std::string port;
    /// "Proxy-Authorization: Basic ...\r\n" when the URL has credentials, else empty. A secret.
    std::string authorization;
    std::string label; ///< "host:port", for messages: never the credentials

    friend bool operator==(const proxy_route&, const proxy_route&) = default;
};

/// Parses "http://[user:password@]host:port" ("host:port" alone means http). The error names
/// what is wrong, never the URL, which may hold a password.
boost::system::result<proxy_route, std::string> parse_proxy(std::string_view url);

/// Whether `host`:`port` is reached directly under `no_proxy`, as curl reads NO_PROXY: a comma
/// (or space) separated list; `*` matches every host; "example.com" and ".example.com" match
/// example.com and its subdomains; an entry may name a port ("example.com:8443", "[::1]:443");
/// IP addresses match only themselves; case does not matter.
bool bypasses_proxy(std::string_view no_proxy, std::string_view host, std::string_view port);

/// The CONNECT request that asks `proxy` for a tunnel to `host`:`port`.
std::string connect_request(const proxy_route& proxy, std::string_view host, std::string_view port);

} // namespace didit::detail
