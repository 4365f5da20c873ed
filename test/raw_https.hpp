#pragma once
// One HTTPS request to the emulator with exactly the headers given, bypassing the client: for
// tests of what the emulator answers to requests our client never sends.

#include <didit/emulator.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <initializer_list>
#include <string>
#include <utility>

namespace raw {

namespace http = boost::beast::http;

struct answer {
    unsigned status = 0;
    std::string body;
    std::string location;
};

inline answer request(const didit::emulator::server& emulator, http::verb method,
                      std::string target,
                      std::initializer_list<std::pair<std::string_view, std::string_view>> headers,
                      std::string body = {}) {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    tls.add_certificate_authority(asio::buffer(emulator.certificate_pem()));
    tls.set_verify_mode(asio::ssl::verify_peer);
    boost::beast::ssl_stream<asio::ip::tcp::socket> stream{io, tls};
    asio::ip::tcp::resolver resolver{io};
    asio::connect(stream.next_layer(),
                  resolver.resolve("127.0.0.1", std::to_string(emulator.port())));
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "localhost:" + std::to_string(emulator.port()));
    for (auto [name, value] : headers)
        req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return {res.result_int(), res.body(), std::string{res[http::field::location]}};
}

} // namespace raw
