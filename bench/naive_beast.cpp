// naive-beast-bench: the peer didit-bench is measured against. v3 creates written the way
// Beast's coroutine examples suggest: a request object per call, JSON serialised and parsed
// per call, one kept-alive stream per worker (or, with --fresh-connections, a new connection
// and a full TLS handshake per call, since nothing offers the last session). No retries, no
// budget, no pool: the bare cost of the wire work.
//
//   naive-beast-bench [--requests N] [--concurrency C] [--fresh-connections]
//
// Talks to DIDIT_API_URL with DIDIT_API_KEY, trusting DIDIT_CA_FILE (a didit-emulator prints
// all three).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

namespace {

struct options {
    std::size_t requests = 1000;
    std::size_t concurrency = 16;
    bool fresh_connections = false;
};

struct target {
    std::string host, port, api_key;
    asio::ip::tcp::resolver::results_type endpoints;
};

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

asio::awaitable<void> connect(tls_stream& stream, const target& to) {
    co_await beast::get_lowest_layer(stream).async_connect(to.endpoints, use_awaitable);
    SSL_set_tlsext_host_name(stream.native_handle(), to.host.c_str());
    stream.set_verify_callback(asio::ssl::host_name_verification(to.host));
    co_await stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
}

asio::awaitable<bool> create(tls_stream& stream, beast::flat_buffer& buffer, const target& to,
                             std::size_t index) {
    boost::json::object body{{"workflow_id", "11111111-2222-3333-4444-555555555555"},
                             {"vendor_data", "naive-" + std::to_string(index)},
                             {"callback", "https://example.com/kyc/done"}};
    http::request<http::string_body> request{http::verb::post, "/v3/session/", 11};
    request.set(http::field::host, to.host);
    request.set(http::field::content_type, "application/json");
    request.set("x-api-key", to.api_key);
    request.body() = boost::json::serialize(body);
    request.prepare_payload();
    co_await http::async_write(stream, request, use_awaitable);
    http::response<http::string_body> response;
    co_await http::async_read(stream, buffer, response, use_awaitable);
    auto session = boost::json::parse(response.body()).as_object();
    co_return response.result_int() == 201 && session.contains("session_id") &&
        session.contains("url");
}

asio::awaitable<void> worker(asio::ssl::context& tls, const target& to, const options& opts,
                             std::size_t& next, std::size_t& succeeded) {
    auto executor = co_await asio::this_coro::executor;
    std::optional<tls_stream> stream;
    beast::flat_buffer buffer;
    while (next < opts.requests) {
        auto index = next++;
        if (!stream || opts.fresh_connections) {
            stream.emplace(executor, tls);
            buffer.clear();
            co_await connect(*stream, to);
        }
        if (co_await create(*stream, buffer, to, index))
            ++succeeded;
    }
}

std::string from_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0')
        throw std::runtime_error(std::string{name} + " is not set");
    return value;
}

} // namespace

int main(int argc, char** argv) {
    options opts;
    for (int i = 1; i < argc; ++i) {
        std::string_view flag = argv[i];
        if (flag == "--fresh-connections")
            opts.fresh_connections = true;
        else if (flag == "--requests" && i + 1 < argc)
            opts.requests = std::stoul(argv[++i]);
        else if (flag == "--concurrency" && i + 1 < argc)
            opts.concurrency = std::stoul(argv[++i]);
        else {
            std::cerr << "usage: naive-beast-bench [--requests N] [--concurrency C] "
                         "[--fresh-connections]\n";
            return 2;
        }
    }
    try {
        auto api_url = from_env("DIDIT_API_URL");
        auto url = boost::urls::parse_uri(api_url).value();
        target to{url.host(),
                  url.has_port() ? std::string{url.port()} : "443",
                  from_env("DIDIT_API_KEY"),
                  {}};
        asio::io_context io{1};
        to.endpoints = asio::ip::tcp::resolver{io}.resolve(to.host, to.port);
        asio::ssl::context tls{asio::ssl::context::tls_client};
        tls.set_default_verify_paths();
        tls.load_verify_file(from_env("DIDIT_CA_FILE"));
        tls.set_verify_mode(asio::ssl::verify_peer);

        std::size_t next = 0, succeeded = 0;
        for (std::size_t w = 0; w < opts.concurrency; ++w)
            asio::co_spawn(io, worker(tls, to, opts, next, succeeded), asio::detached);
        io.run();
        std::cout << "requests: " << opts.requests << " succeeded: " << succeeded << "\n";
        return succeeded == opts.requests ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "naive-beast-bench: " << e.what() << "\n";
        return 1;
    }
}
