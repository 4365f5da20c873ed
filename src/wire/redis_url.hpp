#pragma once
// Where a fleet's shared rate budget lives: a redis:// or rediss:// URL, parsed once from
// config. Pure; compiled into didit so that config::validate() can check the URL without the
// Redis component.

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace didit::detail {

struct redis_endpoint {
    bool tls = false;     ///< rediss://
    std::string host;     ///< without brackets for IPv6
    std::string port;     ///< "6379" when the URL has none
    std::string user;     ///< ACL user; empty: the default user
    std::string password; ///< secret: never printed; empty: no AUTH
    unsigned database = 0;
    bool host_is_ip = false;
};

/// Parses redis://[[user]:password@]host[:port][/db] and rediss://.... The error string names
/// what is wrong, never the URL, which may hold a password.
boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string_view url);

} // namespace didit::detail
