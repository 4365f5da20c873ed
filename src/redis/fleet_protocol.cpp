#include "fleet_protocol.hpp"

#include "crypto/hmac.hpp"
#include "redis_link.hpp"
#include "resilience/local_rate_budget.hpp"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>

#include <array>

namespace didit::detail {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

/// KEYS: a log (sorted set of request start times) and a service hash per scope. ARGV: the
/// counted window in ms, a member name unique in the fleet, the limit of each scope (0: none).
/// The service hash holds what X-RateLimit-* said: `limit` (caps ours when smaller),
/// `hold_until` (server ms) and `remaining` (requests allowed before hold_until).
constexpr std::string_view acquire_body = R"lua(-- didit: take one slot per scope
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window = tonumber(ARGV[1])
local scopes = #KEYS / 2
local limits = {}
local wait = 0
for i = 1, scopes do
  local log, service = KEYS[2 * i - 1], KEYS[2 * i]
  local limit = tonumber(ARGV[2 + i])
  local known = redis.call('HMGET', service, 'limit', 'hold_until', 'remaining')
  local reported = tonumber(known[1])
  if reported and reported > 0 and (limit == 0 or reported < limit) then limit = reported end
  limits[i] = limit
  local hold = tonumber(known[2])
  if hold and now < hold and (tonumber(known[3]) or 0) <= 0 then
    wait = math.max(wait, hold - now)
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  if limit > 0 then
    local count = redis.call('ZCARD', log)
    if count >= limit then
      local oldest = redis.call('ZRANGE', log, count - limit, count - limit, 'WITHSCORES')
      wait = math.max(wait, tonumber(oldest[2]) + window - now)
    end
  end
end
if wait > 0 then return wait end
for i = 1, scopes do
  local log, service = KEYS[2 * i - 1], KEYS[2 * i]
  if limits[i] > 0 then
    redis.call('ZADD', log, now, ARGV[2])
    redis.call('PEXPIRE', log, window)
  end
  if (tonumber(redis.call('HGET', service, 'remaining')) or 0) > 0 then
    redis.call('HINCRBY', service, 'remaining', -1)
  end
end
return 0
)lua";

/// KEYS: the service hash of the response's scope. ARGV: X-RateLimit-Limit, -Remaining, the
/// ms until -Reset, Retry-After in ms (each -1 when absent), 1 for a 429, the counted window.
constexpr std::string_view observe_body = R"lua(-- didit: learn from the service's answer
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local limit, remaining = tonumber(ARGV[1]), tonumber(ARGV[2])
local reset, retry_after = tonumber(ARGV[3]), tonumber(ARGV[4])
local throttled, window = tonumber(ARGV[5]), tonumber(ARGV[6])
local service = KEYS[1]
if limit > 0 then redis.call('HSET', service, 'limit', limit) end
local hold_for = 0
if throttled == 1 then
  local wait = reset
  if retry_after >= 0 then wait = retry_after end
  if wait >= 0 then
    local hold = now + wait
    if hold > (tonumber(redis.call('HGET', service, 'hold_until')) or 0) then
      redis.call('HSET', service, 'hold_until', hold)
    end
    redis.call('HSET', service, 'remaining', 0)
    hold_for = wait
  end
elseif remaining >= 0 and reset >= 0 then
  redis.call('HSET', service, 'hold_until', now + reset, 'remaining', remaining)
  hold_for = reset
end
redis.call('PEXPIRE', service, hold_for + window)
return 0
)lua";

/// KEYS: one scope's log. ARGV: the counted window in ms, a member prefix, then the age in ms
/// of each request to count.
constexpr std::string_view replay_body = R"lua(-- didit: count requests sent without Redis
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), ARGV[2] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
)lua";

std::string sha1_hex(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::string number(long long value) {
    return std::to_string(value);
}

long long ms_or_absent(const std::optional<clock::duration>& value) {
    return value ? duration_cast<milliseconds>(*value).count() : -1;
}

} // namespace

std::string fleet_key_prefix(const config& cfg) {
    auto credential =
        cfg.generation() == api_generation::v3 ? "v3:" + cfg.api_key : "v1:" + cfg.client_id;
    auto digest = to_hex(hmac_sha256("didit fleet budget", credential));
    return "didit:{" + digest.substr(0, 32) + "}:";
}

std::string_view scope_name(rate_scope scope) {
    switch (scope) {
    case rate_scope::create_session:
        return "create_session";
    case rate_scope::retrieve_decision:
        return "retrieve_decision";
    case rate_scope::generate_pdf:
        return "generate_pdf";
    case rate_scope::generic_get:
        return "generic_get";
    case rate_scope::generic_write:
        return "generic_write";
    }
    return "unknown";
}

const fleet_script& acquire_script() {
    static const fleet_script script{acquire_body, sha1_hex(acquire_body)};
    return script;
}

const fleet_script& observe_script() {
    static const fleet_script script{observe_body, sha1_hex(observe_body)};
    return script;
}

fleet_limits fleet_limits_for(const rate_limits& limits) {
    fleet_limits out;
    out.counted_window =
        duration_cast<milliseconds>(counted_window(duration_cast<clock::duration>(limits.window)));
    auto set = [&](rate_scope scope, unsigned limit) {
        out.per_scope[static_cast<std::size_t>(scope)] = limit;
    };
    set(rate_scope::create_session, limits.create_session);
    set(rate_scope::retrieve_decision, limits.retrieve_decision);
    set(rate_scope::generate_pdf, limits.generate_pdf);
    set(rate_scope::generic_get, limits.generic_get);
    set(rate_scope::generic_write, limits.generic_write);
    return out;
}

std::string acquire_command(const std::string& prefix, const fleet_limits& limits,
                            const request_scopes& scopes, std::string_view member, bool full_body) {
    const auto& script = acquire_script();
    // EVALSHA sha numkeys log service [log service] window member limit [limit]
    std::array<std::string, 11> owned; // 3 + 2 keys and 1 limit per scope (2 at most) + 2
    std::array<std::string_view, 11> arguments;
    std::size_t count = 0;
    auto add = [&](std::string text) {
        owned[count] = std::move(text);
        arguments[count] = owned[count];
        ++count;
    };
    add(full_body ? "EVAL" : "EVALSHA");
    add(std::string{full_body ? script.body : std::string_view{script.sha1}});
    add(number(2 * scopes.size));
    for (std::size_t i = 0; i < scopes.size; ++i) {
        auto name = scope_name(scopes.scopes[i]);
        add(prefix + std::string{name} + ":log");
        add(prefix + std::string{name} + ":service");
    }
    add(number(limits.counted_window.count()));
    add(std::string{member});
    for (std::size_t i = 0; i < scopes.size; ++i)
        add(number(limits.per_scope[static_cast<std::size_t>(scopes.scopes[i])]));
    return format_command(arguments.data(), count);
}

std::optional<std::chrono::milliseconds> parse_acquire_reply(const redisReply& reply) {
    if (reply.type != REDIS_REPLY_INTEGER || reply.integer < 0)
        return std::nullopt;
    return milliseconds{reply.integer};
}

bool worth_sharing(const rate_feedback& seen, unsigned last_limit) {
    return seen.throttled || (seen.remaining && *seen.remaining == 0 && seen.reset_in) ||
           (seen.limit && *seen.limit > 0 && *seen.limit != last_limit);
}

std::string observe_command(const std::string& prefix, const fleet_limits& limits,
                            const request_scopes& scopes, const rate_feedback& seen,
                            bool full_body) {
    const auto& script = observe_script();
    auto service = prefix + std::string{scope_name(scopes.primary())} + ":service";
    auto limit = number(seen.limit ? static_cast<long long>(*seen.limit) : -1);
    auto remaining = number(seen.remaining ? static_cast<long long>(*seen.remaining) : -1);
    auto reset = number(ms_or_absent(seen.reset_in));
    auto retry_after = number(ms_or_absent(seen.retry_after));
    auto window = number(limits.counted_window.count());
    std::string_view body = full_body ? script.body : std::string_view{script.sha1};
    return format_command({full_body ? "EVAL" : "EVALSHA", body, "1", service, limit, remaining,
                           reset, retry_after, seen.throttled ? "1" : "0", window});
}

std::string replay_command(const std::string& prefix, const fleet_limits& limits, rate_scope scope,
                           std::string_view member, const std::vector<milliseconds>& ages) {
    std::vector<std::string> owned{"EVAL",
                                   std::string{replay_body},
                                   "1",
                                   prefix + std::string{scope_name(scope)} + ":log",
                                   number(limits.counted_window.count()),
                                   std::string{member}};
    for (auto age : ages)
        owned.push_back(number(age.count()));
    std::vector<std::string_view> arguments(owned.begin(), owned.end());
    return format_command(arguments.data(), arguments.size());
}

bool is_noscript(const redisReply& reply) {
    return error_text(reply).starts_with("NOSCRIPT");
}

} // namespace didit::detail
