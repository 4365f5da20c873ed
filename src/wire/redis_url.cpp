#include "wire/redis_url.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace didit::detail {

namespace {
boost::system::result<redis_endpoint, std::string> invalid(const char* why) {
    return {boost::system::in_place_error, why};
}
} // namespace

boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return invalid("is not an absolute URL");
    redis_endpoint out;
    if (parsed->scheme() == "rediss")
        out.tls = true;
    else if (parsed->scheme() != "redis")
        return invalid("must use redis:// or rediss://");
    if (parsed->encoded_host().empty())
        return invalid("has no host");
    if (parsed->has_query() || parsed->has_fragment())
        return invalid("must not have a query or fragment");
    out.host = parsed->host_type() == boost::urls::host_type::ipv6
                   ? std::string{parsed->encoded_host_address()}
                   : std::string{parsed->host()};
    out.port = parsed->has_port() ? std::string{parsed->port()} : std::string{"6379"};
    if (parsed->has_port() && (out.port.empty() || parsed->port_number() == 0))
        return invalid("has an invalid port");
    if (parsed->has_userinfo()) {
        out.user = parsed->user();
        out.password = parsed->password();
        if (!parsed->has_password() || out.password.empty())
            return invalid("has a user but no password (redis://user:password@host)");
    }
    auto path = parsed->encoded_path();
    if (path.size() > 1) {
        auto digits = path.substr(1);
        auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), out.database);
        if (ec != std::errc{} || end != digits.data() + digits.size() || out.database > 15'999)
            return invalid("has a path that is not a database number (/0, /1, ...)");
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(out.host, ec);
    out.host_is_ip = !ec;
    return out;
}

} // namespace didit::detail
