#include "transport/proxy_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

namespace didit::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

/// A proxy's answer to CONNECT has no business being larger than this.
constexpr std::uint32_t proxy_header_limit = 16 * 1024;

/// 502, 503 and 504 say the proxy could not reach the service or is busy: a later attempt may
/// get through, as after a failed connect. Any other refusal is the proxy's policy.
bool proxy_may_relent(unsigned status) {
    return status == 502 || status == 503 || status == 504;
}

} // namespace

connection_work<error_code> open_tunnel(connection& conn, const proxy_route& proxy,
                                        const origin& server, clock::duration limit,
                                        diagnostics& diag, bool& permanent) {
    constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable_t<connection_executor>{});
    auto where = "the proxy " + proxy.label;
    conn.limit_phase(limit);
    conn.write_buffer = connect_request(proxy, server.host, server.port);
    auto [write_ec, written] =
        co_await asio::async_write(conn.tcp(), asio::buffer(conn.write_buffer), as_tuple);
    std::string{}.swap(conn.write_buffer); // it held the proxy's credentials
    http::response_parser<http::empty_body> answer;
    answer.skip(true); // a CONNECT's 2xx has no body; a refusal's body is not read
    answer.header_limit(proxy_header_limit);
    error_code read_ec = write_ec;
    if (!write_ec)
        std::tie(read_ec, std::ignore) =
            co_await http::async_read_header(conn.tcp(), conn.read_buffer, answer, as_tuple);
    conn.limit_phase({});
    if (conn.aborted)
        co_return asio::error::operation_aborted;
    if (read_ec == boost::beast::error::timeout) {
        diag.message = where + " did not open a tunnel within connect_timeout";
        co_return error::connect_timeout;
    }
    if (read_ec == http::error::end_of_stream || read_ec == asio::error::eof ||
        read_ec == asio::error::connection_reset || read_ec == asio::error::broken_pipe) {
        diag.message = where + " closed the connection instead of answering CONNECT";
        co_return error::connect_failed;
    }
    if (read_ec) {
        diag.message =
            where + " answered CONNECT with something that is not HTTP: " + read_ec.message();
        permanent = true;
        co_return error::proxy_refused;
    }
    auto status = answer.get().result_int();
    if (status == 407) {
        diag.message = where + " answered 407: it refused the proxy credentials";
        permanent = true;
        co_return error::proxy_auth_required;
    }
    if (status < 200 || status >= 300) {
        diag.message = where + " answered " + std::to_string(status) + " to CONNECT " +
                       server.host + ":" + server.port;
        permanent = !proxy_may_relent(status);
        co_return error::proxy_refused;
    }
    if (conn.read_buffer.size() != 0) { // the tunnel's first bytes must be the service's TLS
        diag.message = where + " sent bytes after its answer to CONNECT";
        permanent = true;
        co_return error::proxy_refused;
    }
    co_return error_code{};
}

} // namespace didit::detail
