#pragma once
// What the fleet's processes say to Redis, as pure functions: the key layout, the two Lua
// scripts (take a slot in each scope; learn from the service's X-RateLimit-* answers) and
// their replies. Each script runs atomically on the server, on the server's clock, so the
// processes' clocks need not agree and one round trip takes the slots.

#include "resilience/rate_budget.hpp"

#include <didit/config.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace didit::detail {

/// "didit:{<32 hex digits>}:": a hash of the credential the service counts by (the API key for
/// v3, the client id for v1), never the credential. The braces keep one credential's keys in
/// one Redis Cluster slot, as a script that touches several keys needs.
std::string fleet_key_prefix(const config& cfg);

/// The scope's name in keys and scripts: "create_session", ...
std::string_view scope_name(rate_scope scope);

/// A script's body and the SHA-1 that EVALSHA names it by.
struct fleet_script {
    std::string_view body;
    std::string sha1;
};
const fleet_script& acquire_script();
const fleet_script& observe_script();

/// The limits of one fleet process, as the acquire script takes them.
struct fleet_limits {
    std::chrono::milliseconds counted_window{}; ///< the window plus the margin (counted_window)
    std::array<unsigned, rate_scope_count> per_scope{};
};
fleet_limits fleet_limits_for(const rate_limits& limits);

/// EVALSHA (or, with `full_body`, EVAL) of the acquire script: take a slot in each of
/// `scopes` for the request named `member` (unique in the fleet), or learn how long to wait.
std::string acquire_command(const std::string& prefix, const fleet_limits& limits,
                            const request_scopes& scopes, std::string_view member, bool full_body);

/// The acquire script's answer: 0 when the slots were taken, else how long until there is
/// room; nullopt when the reply is not the script's.
std::optional<std::chrono::milliseconds> parse_acquire_reply(const redisReply& reply);

/// Whether `seen` tells the fleet something the acquire script must know: a 429, an
/// exhausted X-RateLimit-Remaining, or a limit other than `last_limit` (0: none yet).
bool worth_sharing(const rate_feedback& seen, unsigned last_limit);

/// EVALSHA (or EVAL) of the observe script for a response to a request of `scopes`.
std::string observe_command(const std::string& prefix, const fleet_limits& limits,
                            const request_scopes& scopes, const rate_feedback& seen,
                            bool full_body);

/// EVAL of the replay script: counts in `scope`'s shared log the requests this process sent
/// while Redis was away, `ages` before the server's now, under members starting `member`.
std::string replay_command(const std::string& prefix, const fleet_limits& limits, rate_scope scope,
                           std::string_view member,
                           const std::vector<std::chrono::milliseconds>& ages);

/// Whether an error reply says the server does not have the script (after a restart or
/// SCRIPT FLUSH): send it again with its body.
bool is_noscript(const redisReply& reply);

} // namespace didit::detail
