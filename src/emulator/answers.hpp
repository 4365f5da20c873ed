#pragma once
// How the emulated service writes its answers: JSON bodies, `detail` and coded errors (API
// reference 9), times.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace didit::emulator::detail {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

http_response json_response(const http_request& request, boost::beast::http::status status,
                            const boost::json::value& body);

http_response detail_response(const http_request& request, boost::beast::http::status status,
                              std::string_view detail);

/// Today's coded error body (API reference 9): `detail` and a stable `code`.
http_response coded_response(const http_request& request, boost::beast::http::status status,
                             std::string_view detail, std::string_view code);

/// An empty 204.
http_response no_content(const http_request& request);

/// DRF's answer to a body it could not parse as a JSON object.
http_response not_json(const http_request& request);

/// DRF's answer to a field that failed validation: `{"<field>": ["<message>"]}`.
http_response field_error(const http_request& request, std::string_view field,
                          std::string_view message);

/// "2026-11-26T08:48:04.123456Z", as the service writes times.
std::string iso_time(std::chrono::system_clock::time_point when);

} // namespace didit::emulator::detail
