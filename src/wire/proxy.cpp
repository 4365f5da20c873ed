#include "wire/proxy.hpp"

#include <boost/url/grammar/ci_string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/ipv4_address_rule.hpp>
#include <boost/url/rfc/ipv6_address_rule.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace didit::detail {
namespace {

boost::system::result<proxy_route, std::string> invalid(const char* why) {
    return {boost::system::in_place_error, why};
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    auto written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

bool is_ip_address(std::string_view host) {
    return boost::urls::parse_ipv4_address(host).has_value() ||
           boost::urls::parse_ipv6_address(host).has_value();
}

std::string lowercase(std::string_view text) {
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// One NO_PROXY entry: its host (no brackets, no leading dot) and its port, if it names one.
struct no_proxy_entry {
    std::string_view host;
    std::string_view port;
};

no_proxy_entry read_entry(std::string_view entry) {
    no_proxy_entry out;
    if (entry.starts_with('[')) { // [v6]:port
        auto close = entry.find(']');
        if (close == std::string_view::npos)
            return {entry, {}};
        out.host = entry.substr(1, close - 1);
        if (entry.size() > close + 1 && entry[close + 1] == ':')
            out.port = entry.substr(close + 2);
        return out;
    }
    auto colon = entry.find(':');
    if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
        out.host = entry.substr(0, colon);
        out.port = entry.substr(colon + 1);
    } else {
        out.host = entry; // a name, or an IPv6 address without brackets (so without a port)
    }
    if (out.host.starts_with('.'))
        out.host.remove_prefix(1);
    return out;
}

} // namespace

boost::system::result<proxy_route, std::string> parse_proxy(std::string_view url) {
    std::string text;
    if (url.find("://") == std::string_view::npos)
        text = "http://";
    text.append(url);
    auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed)
        return invalid("must be http://[user:password@]host:port");
    if (!boost::urls::grammar::ci_is_equal(parsed->scheme(), "http"))
        return invalid("must be an http:// URL (the tunnel to the service is TLS already)");
    if (parsed->encoded_host().empty())
        return invalid("has no host");
    if (!parsed->has_port() || parsed->port_number() == 0)
        return invalid("must name its port (http://host:port)");
    if (!(parsed->encoded_path().empty() || parsed->encoded_path() == "/") || parsed->has_query() ||
        parsed->has_fragment())
        return invalid("must not have a path, query or fragment");

    proxy_route route;
    route.host = parsed->host_type() == boost::urls::host_type::ipv6
                     ? std::string{parsed->encoded_host_address()}
                     : std::string{parsed->host()};
    route.port = std::string{parsed->port()};
    route.label = std::string{parsed->encoded_host_and_port()};
    if (parsed->has_userinfo()) {
        auto credentials = parsed->user() + ":" + parsed->password();
        route.authorization = "Proxy-Authorization: Basic " + base64(credentials) + "\r\n";
    }
    return route;
}

bool bypasses_proxy(std::string_view no_proxy, std::string_view host, std::string_view port) {
    auto wanted = lowercase(host);
    bool wanted_is_ip = is_ip_address(wanted);
    std::size_t start = 0;
    while (start < no_proxy.size()) {
        auto end = no_proxy.find_first_of(", \t", start);
        if (end == std::string_view::npos)
            end = no_proxy.size();
        auto entry = no_proxy.substr(start, end - start);
        start = end + 1;
        if (entry.empty())
            continue;
        if (entry == "*")
            return true;
        auto [name_text, entry_port] = read_entry(entry);
        if (!entry_port.empty() && entry_port != port)
            continue;
        auto name = lowercase(name_text);
        if (name.empty())
            continue;
        if (name == wanted)
            return true;
        if (!wanted_is_ip && !is_ip_address(name) && wanted.size() > name.size() &&
            wanted.ends_with(name) && wanted[wanted.size() - name.size() - 1] == '.')
            return true;
    }
    return false;
}

std::string connect_request(const proxy_route& proxy, std::string_view host,
                            std::string_view port) {
    bool ipv6 = host.find(':') != std::string_view::npos;
    std::string authority;
    authority.append(ipv6 ? "[" : "").append(host).append(ipv6 ? "]:" : ":").append(port);
    std::string request;
    request.append("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ").append(authority);
    request.append("\r\nUser-Agent: didit-cpp/0.1\r\n").append(proxy.authorization).append("\r\n");
    return request;
}

} // namespace didit::detail
