#include "operations/generic_call.hpp"

#include "crypto/random.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace didit::detail {

std::string_view canonical_method(std::string_view method) {
    static constexpr std::array<std::string_view, 5> known{"GET", "POST", "PUT", "PATCH", "DELETE"};
    for (auto name : known)
        if (std::equal(method.begin(), method.end(), name.begin(), name.end(), [](char a, char b) {
                return std::toupper(static_cast<unsigned char>(a)) == b;
            }))
            return name;
    return {};
}

std::string check_call_path(std::string_view path) {
    if (path.empty() || path.front() != '/')
        return "the path must start with '/' (it is relative to config.api_url)";
    if (path.starts_with("//"))
        return "the path must not name another host";
    if (path.size() > 2048)
        return "the path is longer than 2048 characters";
    for (char c : path) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f)
            return "the path must be percent-encoded: no spaces, control or non-ASCII characters";
        if (c == '#')
            return "the path must not have a fragment";
    }
    auto route = path.substr(0, path.find('?'));
    if (route.find("/../") != std::string_view::npos || route.ends_with("/.."))
        return "the path must not contain \"..\" segments";
    return {};
}

bool repeatable_method(std::string_view method) {
    return method == "GET" || method == "DELETE";
}

bool takes_idempotency_key(std::string_view method, std::string_view path) {
    auto route = path.substr(0, path.find('?'));
    return method == "POST" && (route == "/v3/aml/" || route == "/v3/wallet-screening/");
}

std::string idempotency_header() {
    return std::string{"Idempotency-Key: "}.append(random_hex(16)).append("\r\n");
}

std::optional<rate_scope> endpoint_scope(std::string_view method, std::string_view path) {
    auto route = path.substr(0, path.find('?'));
    if (method == "POST" &&
        (route == "/v1/session/" || route == "/v2/session/" || route == "/v3/session/"))
        return rate_scope::create_session;
    if (method == "GET" && route.ends_with("/decision/"))
        return rate_scope::retrieve_decision;
    if (method == "GET" && (route.ends_with("/generate-pdf/") || route.ends_with("/generate-pdf")))
        return rate_scope::generate_pdf;
    return std::nullopt;
}

} // namespace didit::detail
