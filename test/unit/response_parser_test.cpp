#include "wire/response_reading.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

using namespace didit::detail;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t body_limit = 1024;

struct parsed {
    incoming_response response;
    boost::system::error_code ec;
    bool done = false;
    bool keep_alive = false;
    bool header_done = false;
    std::string left; ///< bytes after the response, not used by it
};

/// Feeds `bytes` to a parser `slice` bytes at a time, as the exchange does from the socket:
/// what is not used waits in the buffer for more. `close` ends with the connection closing.
parsed feed(std::string_view bytes, std::size_t slice, bool close = false,
            bool read_rate_headers = false) {
    parsed out;
    response_parser parser{out.response, body_limit, read_rate_headers};
    std::string buffer;
    std::size_t offered = 0;
    while (!parser.is_done()) {
        if (offered == bytes.size()) {
            if (close)
                parser.put_eof(out.ec);
            break;
        }
        auto n = std::min(slice, bytes.size() - offered);
        buffer.append(bytes.substr(offered, n));
        offered += n;
        while (!buffer.empty() && !parser.is_done()) {
            auto used = parser.put(boost::asio::buffer(buffer), out.ec);
            buffer.erase(0, used);
            if (out.ec == http::error::need_more) {
                out.ec = {};
                break;
            }
            if (out.ec) {
                out.header_done = parser.is_header_done();
                return out;
            }
            if (used == 0)
                break;
        }
    }
    out.done = parser.is_done();
    out.header_done = parser.is_header_done();
    out.keep_alive = parser.keep_alive();
    out.left = buffer + std::string{bytes.substr(offered)};
    return out;
}

/// The same at every slice size from one byte to the whole: the parse must not depend on
/// where the reads split the bytes.
template <class Check> void at_every_split(std::string_view bytes, Check check) {
    for (std::size_t slice = 1; slice <= bytes.size(); ++slice) {
        BOOST_TEST_CONTEXT("slices of " << slice) {
            check(feed(bytes, slice));
        }
    }
}

boost::system::error_code error_of(std::string_view bytes, bool close = false) {
    return feed(bytes, bytes.size(), close).ec;
}

} // namespace

BOOST_AUTO_TEST_SUITE(response_parser_reads)

BOOST_AUTO_TEST_CASE(a_sized_body_and_the_fields_the_client_keeps) {
    std::string_view bytes = "HTTP/1.1 201 Created\r\n"
                             "Server: didit\r\n"
                             "content-TYPE:  application/json \r\n"
                             "Content-Type: text/plain\r\n" // the first counts
                             "Retry-After: 7\r\n"
                             "Location: /elsewhere\r\n"
                             "Content-Length: 11\r\n"
                             "\r\n"
                             "{\"a\":\"bc\"}\nHTTP/1.1"; // the next response's start
    at_every_split(bytes, [](const parsed& p) {
        BOOST_TEST(!p.ec);
        BOOST_TEST(p.done);
        BOOST_TEST(p.keep_alive);
        BOOST_TEST(p.response.status == 201u);
        BOOST_TEST(p.response.body == "{\"a\":\"bc\"}\n");
        BOOST_TEST(p.response.content_type == "application/json");
        BOOST_TEST(p.response.retry_after == "7");
        BOOST_TEST(p.response.location == "/elsewhere");
        BOOST_TEST(p.left == "HTTP/1.1");
    });
}

BOOST_AUTO_TEST_CASE(a_chunked_body_with_extensions_and_trailers) {
    std::string_view bytes = "HTTP/1.1 200 OK\r\n"
                             "Transfer-Encoding: chunked\r\n"
                             "\r\n"
                             "5;name=value\r\nhello\r\n"
                             "A\r\n, chunked!\r\n"
                             "0\r\n"
                             "Trailer-Field: ignored\r\n"
                             "\r\n";
    at_every_split(bytes, [](const parsed& p) {
        BOOST_TEST(!p.ec);
        BOOST_TEST(p.done);
        BOOST_TEST(p.keep_alive);
        BOOST_TEST(p.response.body == "hello, chunked!");
        BOOST_TEST(p.left.empty());
    });
}

BOOST_AUTO_TEST_CASE(a_body_without_length_lasts_until_the_connection_closes) {
    std::string_view bytes = "HTTP/1.1 200 OK\r\n\r\nall of it";
    auto open = feed(bytes, 4);
    BOOST_TEST(!open.ec);
    BOOST_TEST(!open.done);
    auto closed = feed(bytes, 4, true);
    BOOST_TEST(!closed.ec);
    BOOST_TEST(closed.done);
    BOOST_TEST(!closed.keep_alive);
    BOOST_TEST(closed.response.body == "all of it");
}

BOOST_AUTO_TEST_CASE(connection_fields_and_versions_decide_keep_alive) {
    auto keep = [](std::string_view head) {
        return feed(std::string{head} + "Content-Length: 0\r\n\r\n", 1000).keep_alive;
    };
    BOOST_TEST(keep("HTTP/1.1 200 OK\r\n"));
    BOOST_TEST(!keep("HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\n"));
    BOOST_TEST(!keep("HTTP/1.0 200 OK\r\n"));
    BOOST_TEST(keep("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"));
}

BOOST_AUTO_TEST_CASE(statuses_without_a_body_end_with_their_header) {
    for (std::string_view status : {"204 No Content", "304 Not Modified", "100 Continue"}) {
        BOOST_TEST_CONTEXT(status) {
            auto p = feed("HTTP/1.1 " + std::string{status} + "\r\nContent-Length: 5\r\n\r\nHTTP/",
                          1000);
            BOOST_TEST(!p.ec);
            BOOST_TEST(p.done);
            BOOST_TEST(p.response.body.empty());
            BOOST_TEST(p.left == "HTTP/");
        }
    }
}

BOOST_AUTO_TEST_CASE(rate_headers_only_when_asked) {
    std::string_view bytes = "HTTP/1.1 200 OK\r\nX-RateLimit-Limit: 10\r\n"
                             "x-ratelimit-remaining: 9\r\nX-RATELIMIT-RESET: 1700000000\r\n"
                             "Content-Length: 0\r\n\r\n";
    auto asked = feed(bytes, 1000, false, true);
    BOOST_TEST(asked.response.rate_limit == "10");
    BOOST_TEST(asked.response.rate_remaining == "9");
    BOOST_TEST(asked.response.rate_reset == "1700000000");
    auto not_asked = feed(bytes, 1000);
    BOOST_TEST(not_asked.response.rate_limit.empty());
    BOOST_TEST(not_asked.done);
}

BOOST_AUTO_TEST_CASE(malformed_framing_is_refused) {
    auto with_fields = [](std::string_view fields) {
        return "HTTP/1.1 200 OK\r\n" + std::string{fields} + "\r\nbody";
    };
    BOOST_TEST(
        (error_of("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n") == http::error::bad_line_ending));
    BOOST_TEST((error_of(with_fields("A: b\nC: d\r\n")) == http::error::bad_line_ending));
    BOOST_TEST((error_of(with_fields("A: b\r\n folded\r\n")) == http::error::bad_obs_fold));
    BOOST_TEST((error_of(with_fields("Content-Length: 4\r\nContent-Length: 4\r\n")) ==
                http::error::bad_content_length));
    BOOST_TEST(
        (error_of(with_fields("Content-Length: -4\r\n")) == http::error::bad_content_length));
    BOOST_TEST((error_of(with_fields("Content-Length: 99999999999999999999\r\n")) ==
                http::error::bad_content_length));
    BOOST_TEST((error_of(with_fields("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n")) ==
                http::error::bad_content_length));
    BOOST_TEST((error_of(with_fields("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n")) ==
                http::error::bad_transfer_encoding));
    BOOST_TEST((error_of(with_fields("Transfer-Encoding: gzip, chunked\r\n")) ==
                http::error::bad_transfer_encoding));
    BOOST_TEST((error_of(with_fields("Name : value\r\n")) == http::error::bad_field));
    BOOST_TEST((error_of(with_fields("No colon\r\n")) == http::error::bad_field));
    BOOST_TEST((error_of(with_fields("A: b\x01"
                                     "c\r\n")) == http::error::bad_value));
    BOOST_TEST((error_of("HTTP/2.0 200 OK\r\n\r\n") == http::error::bad_version));
    BOOST_TEST((error_of("HTTP/1.1 20 OK\r\n\r\n") == http::error::bad_status));
    BOOST_TEST((error_of("HTTP/1.1 200 O\x7fK\r\n\r\n") == http::error::bad_reason));
    BOOST_TEST((error_of(with_fields("Transfer-Encoding: chunked\r\n") + "\r\nzz\r\n") ==
                http::error::bad_chunk));
    BOOST_TEST((error_of(with_fields("Transfer-Encoding: chunked\r\n") + "\r\n3\r\nabcX\r\n") ==
                http::error::bad_chunk));
}

BOOST_AUTO_TEST_CASE(limits_hold_however_the_body_is_framed) {
    std::string big(body_limit + 1, 'x');
    auto sized =
        feed("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n", 1000);
    BOOST_TEST((sized.ec == http::error::body_limit));
    BOOST_TEST(sized.header_done); // what the header said counts, the body is not read
    BOOST_TEST(sized.response.status == 200u);
    BOOST_TEST(
        (error_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" +
                  big.substr(0, 1024) + "\r\n1\r\nx\r\n0\r\n\r\n") == http::error::body_limit));
    BOOST_TEST((error_of("HTTP/1.1 200 OK\r\n\r\n" + big, true) == http::error::body_limit));
    std::string long_header = "HTTP/1.1 200 OK\r\nX: " + std::string(max_header_bytes, 'a');
    BOOST_TEST((error_of(long_header) == http::error::header_limit));
}

BOOST_AUTO_TEST_CASE(a_response_cut_short_is_partial) {
    for (std::string_view bytes : {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                                   "HTTP/1.1 200 OK\r\nContent-"}) {
        BOOST_TEST_CONTEXT(bytes) {
            auto p = feed(bytes, 3, true);
            BOOST_TEST(!p.done);
            BOOST_TEST((p.ec == http::error::partial_message));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
