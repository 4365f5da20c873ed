#include "wire/origin.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

namespace didit::detail {

namespace {
boost::system::result<origin, std::string> invalid(const char* why) {
    return {boost::system::in_place_error, why};
}
} // namespace

boost::system::result<origin, std::string> parse_origin(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return invalid("is not an absolute URL");
    if (parsed->scheme_id() != boost::urls::scheme::https)
        return invalid("must use https");
    if (parsed->encoded_host().empty())
        return invalid("has no host");
    if (parsed->has_userinfo())
        return invalid("must not contain credentials");
    if (parsed->has_query() || parsed->has_fragment())
        return invalid("must not have a query or fragment");

    origin o;
    o.host = parsed->host_type() == boost::urls::host_type::ipv6
                 ? std::string{parsed->encoded_host_address()}
                 : std::string{parsed->host()};
    o.port = parsed->has_port() ? std::string{parsed->port()} : std::string{"443"};
    if (parsed->has_port() && (o.port.empty() || parsed->port_number() == 0))
        return invalid("has an invalid port");
    boost::system::error_code ec;
    boost::asio::ip::make_address(o.host, ec);
    o.host_is_ip = !ec;
    o.host_header = std::string{parsed->encoded_host_and_port()};
    o.path_prefix = std::string{parsed->encoded_path()};
    while (!o.path_prefix.empty() && o.path_prefix.back() == '/')
        o.path_prefix.pop_back();
    return o;
}

} // namespace didit::detail
