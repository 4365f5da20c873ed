#include <didit/client.hpp>
#include <didit/config.hpp>

#include "origin.hpp"

#include <cstdlib>
#include <fstream>
#include <string_view>
#include <vector>

namespace didit {
namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string{value} : std::string{};
}

void require_url(std::string_view field, const std::string& url) {
    auto parsed = detail::parse_origin(url);
    if (!parsed)
        throw config_error("didit::config: " + std::string{field} + " " + parsed.error());
}

void require_non_negative(std::string_view field, std::chrono::milliseconds value) {
    if (value.count() < 0)
        throw config_error("didit::config: " + std::string{field} + " must not be negative");
}

/// Why `retry` cannot be used, naming its fields after `prefix` ("retry."); empty when it can.
std::string retry_problem(const retry_policy& retry, const std::string& prefix) {
    if (retry.max_attempts == 0)
        return prefix + "max_attempts must be at least 1 (1: no retries)";
    for (auto [field, value] : {std::pair{"initial_backoff", retry.initial_backoff},
                                {"max_backoff", retry.max_backoff},
                                {"attempt_timeout", retry.attempt_timeout}})
        if (value.count() < 0)
            return prefix + field + " must not be negative";
    if (retry.max_backoff < retry.initial_backoff)
        return prefix + "max_backoff must not be below " + prefix + "initial_backoff";
    return {};
}

/// Header values are sent verbatim: a control character would let a value inject headers.
bool is_header_safe(std::string_view value) {
    for (char c : value)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
            return false;
    return true;
}

} // namespace

void config::validate() const {
    if (generation() == api_generation::v3) {
        if (!is_header_safe(api_key))
            throw config_error("didit::config: api_key contains spaces or control characters");
    } else {
        if (client_id.empty())
            throw config_error("didit::config: client_id is empty (or set api_key for v3)");
        if (client_secret.empty())
            throw config_error("didit::config: client_secret is empty (or set api_key for v3)");
    }
    require_url("auth_url", auth_url);
    require_url("api_url", api_url);
    if (!ca_file.empty() && !std::ifstream{ca_file})
        throw config_error("didit::config: ca_file cannot be read: " + ca_file);
    require_non_negative("connect_timeout", connect_timeout);
    require_non_negative("handshake_timeout", handshake_timeout);
    require_non_negative("token_timeout", token_timeout);
    require_non_negative("request_timeout", request_timeout);
    require_non_negative("idle_timeout", idle_timeout);
    if (max_connections_per_origin == 0)
        throw config_error("didit::config: max_connections_per_origin must be at least 1");
    if (max_response_bytes < 1024)
        throw config_error("didit::config: max_response_bytes must be at least 1024");
    if (max_pdf_bytes < 1024)
        throw config_error("didit::config: max_pdf_bytes must be at least 1024");
    if (auto problem = retry_problem(retry, "retry."); !problem.empty())
        throw config_error("didit::config: " + problem);
    if (rate_limits.enabled && rate_limits.window.count() <= 0)
        throw config_error("didit::config: rate_limits.window must be positive");
}

config config::from_env() {
    config cfg;
    cfg.api_key = env("DIDIT_API_KEY");
    cfg.client_id = env("DIDIT_CLIENT_ID");
    cfg.client_secret = env("DIDIT_CLIENT_SECRET");
    if (cfg.api_key.empty()) {
        std::vector<std::string_view> missing;
        if (cfg.client_id.empty())
            missing.push_back("DIDIT_CLIENT_ID");
        if (cfg.client_secret.empty())
            missing.push_back("DIDIT_CLIENT_SECRET");
        if (!missing.empty()) {
            std::string message = "didit::config::from_env: missing environment variable";
            message += missing.size() > 1 ? "s: " : ": ";
            for (std::size_t i = 0; i < missing.size(); ++i)
                message.append(i ? ", " : "").append(missing[i]);
            message += " (or set DIDIT_API_KEY for the v3 API)";
            throw config_error(message);
        }
    }
    if (auto url = env("DIDIT_AUTH_URL"); !url.empty())
        cfg.auth_url = std::move(url);
    if (auto url = env("DIDIT_API_URL"); !url.empty())
        cfg.api_url = std::move(url);
    cfg.ca_file = env("DIDIT_CA_FILE");
    if (auto budget = env("DIDIT_RATE_LIMITS"); budget == "off")
        cfg.rate_limits = rate_limits::off();
    else if (!budget.empty() && budget != "on")
        throw config_error("didit::config::from_env: DIDIT_RATE_LIMITS must be \"on\" or \"off\"");
    cfg.validate();
    return cfg;
}

} // namespace didit

namespace didit::detail {

std::string check_call_options(const call_options& options) {
    if (options.request_timeout && options.request_timeout->count() < 0)
        return "call_options.request_timeout must not be negative";
    if (options.retry)
        return retry_problem(*options.retry, "call_options.retry.");
    return {};
}

} // namespace didit::detail
