#include "answers.hpp"

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <ctime>

namespace didit::emulator::detail {

namespace http = boost::beast::http;
namespace json = boost::json;

http_response json_response(const http_request& request, http::status status,
                            const json::value& body) {
    http_response response{status, request.version()};
    response.set(http::field::server, "didit-emulator");
    response.set(http::field::content_type, "application/json");
    response.body() = json::serialize(body);
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

http_response detail_response(const http_request& request, http::status status,
                              std::string_view detail) {
    return json_response(request, status, json::object{{"detail", detail}});
}

http_response coded_response(const http_request& request, http::status status,
                             std::string_view detail, std::string_view code) {
    return json_response(request, status, json::object{{"detail", detail}, {"code", code}});
}

/// "2026-11-26T08:48:04.123456Z", as the service writes times.
http_response no_content(const http_request& request) {
    http_response response{http::status::no_content, request.version()};
    response.set(http::field::server, "didit-emulator");
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

http_response not_json(const http_request& request) {
    return detail_response(request, http::status::bad_request,
                           "JSON parse error - the body is not a JSON object.");
}

http_response field_error(const http_request& request, std::string_view field,
                          std::string_view message) {
    return json_response(request, http::status::bad_request,
                         json::object{{field, json::array{json::value(message)}}});
}

std::string iso_time(std::chrono::system_clock::time_point when) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch());
    auto seconds = std::chrono::floor<std::chrono::seconds>(micros);
    std::time_t t = seconds.count();
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[40];
    auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%06lldZ",
                  static_cast<long long>((micros - seconds).count()));
    return text;
}

} // namespace didit::emulator::detail
