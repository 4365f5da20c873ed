// The proxy's URL and curl's NO_PROXY rules: pure, no sockets.
#include "wire/proxy.hpp"

#include <didit/config.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>

using namespace didit::detail;

BOOST_AUTO_TEST_SUITE(proxies)

BOOST_AUTO_TEST_CASE(a_proxy_url_gives_host_port_and_basic_credentials) {
    auto route = parse_proxy("http://alice:s%40cret@proxy.corp.example:3128");
    BOOST_REQUIRE(route.has_value());
    BOOST_TEST(route->host == "proxy.corp.example");
    BOOST_TEST(route->port == "3128");
    BOOST_TEST(route->label == "proxy.corp.example:3128");
    // base64("alice:s@cret"): the password is percent-decoded before it is encoded.
    BOOST_TEST(route->authorization == "Proxy-Authorization: Basic YWxpY2U6c0BjcmV0\r\n");

    auto bare = parse_proxy("10.0.0.7:8080"); // no scheme: http, as curl reads it
    BOOST_REQUIRE(bare.has_value());
    BOOST_TEST(bare->host == "10.0.0.7");
    BOOST_TEST(bare->authorization.empty());
    auto v6 = parse_proxy("http://[::1]:3128/");
    BOOST_REQUIRE(v6.has_value());
    BOOST_TEST(v6->host == "::1");
    BOOST_TEST(v6->label == "[::1]:3128");
}

BOOST_AUTO_TEST_CASE(a_bad_proxy_url_is_named_without_its_password) {
    for (auto url :
         {"https://bob:hunter2@proxy:3128", "socks5://bob:hunter2@proxy:1080",
          "http://bob:hunter2@proxy", "http://bob:hunter2@proxy:0", "http://bob:hunter2@:3128",
          "http://bob:hunter2@proxy:3128/path", "http://bob:hunter2@proxy:port"}) {
        auto route = parse_proxy(url);
        BOOST_TEST(!route.has_value(), url);
        if (!route)
            BOOST_TEST(route.error().find("hunter2") == std::string::npos);
    }
    didit::config cfg;
    cfg.client_id = "id";
    cfg.client_secret = "secret";
    cfg.proxy = "ftp://bob:hunter2@proxy:3128";
    try {
        cfg.validate();
        BOOST_FAIL("a bad proxy was accepted");
    } catch (const didit::config_error& e) {
        std::string what = e.what();
        BOOST_TEST(what.find("proxy") != std::string::npos, what);
        BOOST_TEST(what.find("hunter2") == std::string::npos, what);
    }
}

BOOST_AUTO_TEST_CASE(no_proxy_follows_curls_rules) {
    auto direct = [](std::string_view list, std::string_view host, std::string_view port = "443") {
        return bypasses_proxy(list, host, port);
    };
    BOOST_TEST(!direct("", "api.didit.me"));
    BOOST_TEST(direct("*", "api.didit.me"));
    // A bare domain and a leading dot both match the domain and its subdomains, not lookalikes.
    BOOST_TEST(direct("didit.me", "didit.me"));
    BOOST_TEST(direct("didit.me", "verification.didit.me"));
    BOOST_TEST(direct(".didit.me", "verification.didit.me"));
    BOOST_TEST(direct(".didit.me", "didit.me"));
    BOOST_TEST(!direct("didit.me", "notdidit.me"));
    BOOST_TEST(!direct("verification.didit.me", "didit.me"));
    // Lists, spaces and case.
    BOOST_TEST(direct("localhost, .internal,DIDIT.ME", "Apx.Didit.Me"));
    BOOST_TEST(direct("localhost,,127.0.0.1", "127.0.0.1"));
    // Ports.
    BOOST_TEST(direct("didit.me:443", "apx.didit.me", "443"));
    BOOST_TEST(!direct("didit.me:8443", "apx.didit.me", "443"));
    BOOST_TEST(direct("[::1]:8443", "::1", "8443"));
    BOOST_TEST(direct("::1", "::1", "443"));
    // IP addresses literally: no suffix matching.
    BOOST_TEST(!direct("0.0.1", "10.0.0.1"));
    BOOST_TEST(!direct("127.0.0.1", "127.0.0.2"));
}

BOOST_AUTO_TEST_CASE(connect_names_the_origin_with_its_port) {
    proxy_route route{.host = "proxy", .port = "3128", .authorization = "", .label = "proxy:3128"};
    BOOST_TEST(connect_request(route, "api.didit.me", "443") ==
               "CONNECT api.didit.me:443 HTTP/1.1\r\nHost: api.didit.me:443\r\n"
               "User-Agent: didit-cpp/0.1\r\n\r\n");
    BOOST_TEST(
        connect_request(route, "::1", "8443").starts_with("CONNECT [::1]:8443 HTTP/1.1\r\n"));
}

BOOST_AUTO_TEST_CASE(from_env_reads_the_proxy_variables_lower_case_first) {
    ::setenv("DIDIT_API_KEY", "key", 1);
    ::setenv("HTTPS_PROXY", "http://upper:3128", 1);
    ::setenv("https_proxy", "http://lower:3128", 1);
    ::setenv("NO_PROXY", "localhost", 1);
    auto cfg = didit::config::from_env();
    BOOST_TEST(cfg.proxy == "http://lower:3128");
    BOOST_TEST(cfg.no_proxy == "localhost");
    ::setenv("https_proxy", "http://user:hunter2@lower", 1); // no port
    try {
        (void)didit::config::from_env();
        BOOST_FAIL("a proxy without a port was accepted");
    } catch (const didit::config_error& e) {
        std::string what = e.what();
        BOOST_TEST(what.find("HTTPS_PROXY") != std::string::npos, what);
        BOOST_TEST(what.find("hunter2") == std::string::npos, what);
    }
    for (auto name : {"DIDIT_API_KEY", "HTTPS_PROXY", "https_proxy", "NO_PROXY"})
        ::unsetenv(name);
}

BOOST_AUTO_TEST_SUITE_END()
