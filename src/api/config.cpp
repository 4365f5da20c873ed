#include <didit/config.hpp>

#include "wire/origin.hpp"
#include "wire/proxy.hpp"
#include "wire/redis_url.hpp"

#include <charconv>
#include <cmath>
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

void require_fleet(const config& cfg, bool backend_required) {
    const auto& fleet = cfg.fleet;
    if (!(fleet.fallback_share > 0.0 && fleet.fallback_share <= 1.0))
        throw config_error("didit::config: fleet.fallback_share must be in (0, 1]");
    if (fleet.redis_url.empty())
        return;
    if (auto parsed = detail::parse_redis_url(fleet.redis_url); !parsed)
        throw config_error("didit::config: fleet.redis_url " + parsed.error());
    if (!cfg.rate_limits.enabled)
        throw config_error("didit::config: fleet.redis_url shares the rate budget: it needs "
                           "rate_limits.enabled");
    if (fleet.redis_timeout.count() <= 0)
        throw config_error("didit::config: fleet.redis_timeout must be positive");
    if (fleet.reconnect_delay.count() <= 0)
        throw config_error("didit::config: fleet.reconnect_delay must be positive");
    if (!fleet.backend && backend_required)
        throw config_error("didit::config: fleet.redis_url is set but fleet.backend is not: link "
                           "didit::redis and set it to didit::redis_backend()");
}

/// Applies DIDIT_RATE_LIMITS: "on", "off", or "field=value,..." over the defaults.
rate_limits rate_limits_from(const std::string& text) {
    constexpr const char* variable = "didit::config::from_env: DIDIT_RATE_LIMITS";
    if (text == "off")
        return rate_limits::off();
    rate_limits limits;
    if (text.empty() || text == "on")
        return limits;
    std::string_view rest = text;
    while (!rest.empty()) {
        auto item = rest.substr(0, rest.find(','));
        rest.remove_prefix(std::min(rest.size(), item.size() + 1));
        auto equals = item.find('=');
        auto name = item.substr(0, equals);
        auto digits =
            equals == std::string_view::npos ? std::string_view{} : item.substr(equals + 1);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
            throw config_error(std::string{variable} +
                               " must be \"on\", \"off\" or name=number,... (e.g. "
                               "window_ms=2000,create_session=30)");
        if (name == "window_ms")
            limits.window = std::chrono::milliseconds{value};
        else if (name == "create_session")
            limits.create_session = value;
        else if (name == "retrieve_decision")
            limits.retrieve_decision = value;
        else if (name == "generate_pdf")
            limits.generate_pdf = value;
        else if (name == "generic_get")
            limits.generic_get = value;
        else if (name == "generic_write")
            limits.generic_write = value;
        else
            // Not echoed: the variable could hold anything, a misplaced secret included.
            throw config_error(std::string{variable} +
                               " names a limit other than window_ms, create_session, "
                               "retrieve_decision, generate_pdf, generic_get, generic_write");
    }
    return limits;
}

double share_from(const std::string& text) {
    double share = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), share);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(share))
        throw config_error("didit::config::from_env: DIDIT_FLEET_SHARE must be a number in (0, 1]");
    return share;
}

/// The first of `names` that is set, as curl reads its proxy variables (lower case first).
std::string first_env(std::initializer_list<const char*> names) {
    for (auto name : names)
        if (auto value = env(name); !value.empty())
            return value;
    return {};
}

/// Every field; from_env() leaves fleet.backend to the program, which sets it afterwards.
void check(const config& cfg, bool backend_required) {
    if (cfg.generation() == api_generation::v3) {
        if (!is_header_safe(cfg.api_key))
            throw config_error("didit::config: api_key contains spaces or control characters");
    } else {
        if (cfg.client_id.empty())
            throw config_error("didit::config: client_id is empty (or set api_key for v3)");
        if (cfg.client_secret.empty())
            throw config_error("didit::config: client_secret is empty (or set api_key for v3)");
    }
    require_url("auth_url", cfg.auth_url);
    require_url("api_url", cfg.api_url);
    if (!cfg.proxy.empty())
        if (auto parsed = detail::parse_proxy(cfg.proxy); !parsed)
            throw config_error("didit::config: proxy " + parsed.error());
    if (!cfg.ca_file.empty() && !std::ifstream{cfg.ca_file})
        throw config_error("didit::config: ca_file cannot be read: " + cfg.ca_file);
    require_non_negative("connect_timeout", cfg.connect_timeout);
    require_non_negative("handshake_timeout", cfg.handshake_timeout);
    require_non_negative("token_timeout", cfg.token_timeout);
    require_non_negative("request_timeout", cfg.request_timeout);
    require_non_negative("check_timeout", cfg.check_timeout);
    require_non_negative("idle_timeout", cfg.idle_timeout);
    require_non_negative("idle_buffer_release", cfg.idle_buffer_release);
    if (cfg.max_connections_per_origin == 0)
        throw config_error("didit::config: max_connections_per_origin must be at least 1");
    if (cfg.max_response_bytes < 1024)
        throw config_error("didit::config: max_response_bytes must be at least 1024");
    if (cfg.max_pdf_bytes < 1024)
        throw config_error("didit::config: max_pdf_bytes must be at least 1024");
    if (auto problem = retry_problem(cfg.retry, "retry."); !problem.empty())
        throw config_error("didit::config: " + problem);
    if (cfg.rate_limits.enabled && cfg.rate_limits.window.count() <= 0)
        throw config_error("didit::config: rate_limits.window must be positive");
    require_fleet(cfg, backend_required);
}

} // namespace

void config::validate() const {
    check(*this, true);
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
    cfg.proxy = first_env({"https_proxy", "HTTPS_PROXY"});
    if (!cfg.proxy.empty())
        if (auto parsed = detail::parse_proxy(cfg.proxy); !parsed) // named, never echoed
            throw config_error("didit::config::from_env: https_proxy / HTTPS_PROXY " +
                               parsed.error());
    cfg.no_proxy = first_env({"no_proxy", "NO_PROXY"});
    cfg.rate_limits = rate_limits_from(env("DIDIT_RATE_LIMITS"));
    cfg.fleet.redis_url = env("DIDIT_REDIS_URL");
    if (auto share = env("DIDIT_FLEET_SHARE"); !share.empty())
        cfg.fleet.fallback_share = share_from(share);
    check(cfg, false);
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
