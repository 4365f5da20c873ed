#pragma once
// Client configuration: a plain aggregate with safe defaults, checked once at construction.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace didit {

class observer; // <didit/observer.hpp>

/// Thrown when a configuration value is invalid; the message names the field, never its value
/// when the field is secret.
class config_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Which generation of the API a client talks to.
enum class api_generation {
    v1, ///< seed era: OAuth client-credentials token (client_id + client_secret), /v1/ paths
    v3, ///< current: a static `x-api-key`, /v3/ paths
};

/// How a call repeats an attempt that failed in a way the service marks safe to repeat (see the
/// README's "Failures, retries and rate limits" for what is repeated for which operation).
/// Every retry stays within config::request_timeout.
struct retry_policy {
    /// Attempts per call, the first included; 1 switches retries off. A 429 does not use up an
    /// attempt (the service is pacing, not failing): it is waited out while request_timeout
    /// allows. A 401 answered to a v1 call is retried once with a fresh token whatever this says.
    unsigned max_attempts = 4;
    /// Backoff before retry n is a uniformly random delay ("full jitter") in
    /// [0, min(max_backoff, initial_backoff * 2^(n-1))).
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{5'000};
    /// Limit for one attempt's exchange once the connection is ready; an attempt that takes
    /// longer is abandoned and, when the operation is safe to repeat, retried. Zero: an attempt
    /// may take all of request_timeout.
    std::chrono::milliseconds attempt_timeout{0};

    /// One attempt per call, no retries.
    static retry_policy none() { return retry_policy{.max_attempts = 1}; }
};

/// Didit's rate-limit scopes (API reference section 5): requests per sliding window, per
/// credential. Each request counts against its endpoint's scope (create, decision, PDF), if it
/// has one, and against the generic read or write scope. The client waits for room instead of
/// drawing a 429. When responses carry X-RateLimit-Limit/-Remaining/-Reset, the service's
/// figures take over wherever they are stricter (a smaller plan, a key shared with others).
/// Give each process of a fleet its share by lowering these.
struct rate_limits {
    bool enabled = true;
    std::chrono::milliseconds window{60'000};
    unsigned create_session = 600;
    unsigned retrieve_decision = 100;
    unsigned generate_pdf = 50;
    unsigned generic_get = 600;
    unsigned generic_write = 300;

    /// No client-side budget: every request goes out at once (429s are still retried).
    static rate_limits off() { return rate_limits{.enabled = false}; }
};

/// What builds a fleet's shared rate budget: didit::redis_backend() is the one there is. Its
/// interface is the library's own (not an extension point): a budget backend must keep the
/// client's rate-budget contract, which is internal.
class fleet_backend;

/// A rate budget that every process of a fleet shares (the README's "Running a fleet"): the
/// scopes of rate_limits hold for all processes with the same credential together, not for
/// each one. Needs rate_limits on and a backend: didit::redis_backend() from <didit/redis.hpp>
/// (CMake target didit::redis).
struct fleet_budget {
    /// redis://[[user]:password@]host[:port][/db], or rediss:// for TLS (verified against the
    /// system's CAs plus ca_file/ca_pem, like the API). Empty: this process budgets alone.
    std::string redis_url;
    /// This process's share of rate_limits while Redis is unreachable, in (0, 1]: e.g. 1/3 for
    /// each of three replicas. Each scope keeps at least one request per window.
    double fallback_share = 1.0;
    /// The longest a call waits for Redis before it goes by the fallback budget.
    std::chrono::milliseconds redis_timeout{50};
    /// The first pause before reconnecting to a lost Redis; it doubles up to 2 s.
    std::chrono::milliseconds reconnect_delay{250};
    /// Builds the shared budget. Null while redis_url is set: construction fails.
    std::shared_ptr<const fleet_backend> backend{};
};

/// Settings for one call that override the client's (config::request_timeout, config::retry),
/// e.g. a longer limit for a large PDF or no retries for a latency-critical create. Passed
/// with didit::with_options() around the call's completion token.
struct call_options {
    std::optional<std::chrono::milliseconds> request_timeout{}; ///< zero: no limit
    std::optional<didit::retry_policy> retry{};
};

namespace detail {
/// Why `options` cannot be used (names the field); empty when they can.
std::string check_call_options(const call_options& options);
} // namespace detail

struct config {
    /// OAuth client credentials of the v1 (client-credentials) generation.
    std::string client_id;
    std::string client_secret;

    /// The application's API key. Setting it selects the v3 generation; the client
    /// credentials and auth_url are then unused.
    std::string api_key;

    /// Origins (with an optional path prefix) of the token endpoint and of the API. https only.
    std::string auth_url = "https://apx.didit.me";
    std::string api_url = "https://verification.didit.me";

    /// A forward proxy for the token endpoint and the API: "http://[user:password@]host:port".
    /// The client opens a tunnel with CONNECT and does TLS with the service through it, so the
    /// proxy sees host names, never requests. Empty: direct. The password is a secret.
    std::string proxy;
    /// Hosts reached directly even with a proxy, as curl reads NO_PROXY: a comma list; "*"
    /// for every host; "example.com" or ".example.com" for it and its subdomains; an optional
    /// ":port"; IP addresses literally.
    std::string no_proxy;

    /// Extra trusted CA certificates in PEM, added to the system's CA paths: a file, text, or both.
    std::string ca_file;
    std::string ca_pem;

    /// Limits; zero means "no limit".
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds token_timeout{15'000};
    std::chrono::milliseconds request_timeout{30'000};
    /// The same for the standalone checks that read images and documents, AML and database
    /// validation, which the service takes 5 to 30 s to answer (API reference 7.0).
    std::chrono::milliseconds check_timeout{90'000};
    /// Idle keep-alive connections are closed after this long.
    std::chrono::milliseconds idle_timeout{30'000};
    /// A connection idle this long gives back its TLS record and HTTP buffers, and allocates
    /// them again when next used. Busy connections keep theirs, so calls do not pay for them.
    /// Zero: after every exchange.
    std::chrono::milliseconds idle_buffer_release{1'000};
    /// false: every request goes on a new connection (and says `Connection: close`), for
    /// proxies that mishandle keep-alive. New connections resume the origin's TLS session.
    bool keep_alive = true;

    /// At most this many connections per origin; further requests wait for one to free up.
    std::size_t max_connections_per_origin = 16;
    /// Responses larger than this fail with error::response_too_large.
    std::size_t max_response_bytes = 4 * 1024 * 1024;
    /// The same for PDF reports, which carry images.
    std::size_t max_pdf_bytes = 64 * 1024 * 1024;

    /// Automatic retries; retry_policy::none() switches them off.
    didit::retry_policy retry{};
    /// The client's own rate budget; rate_limits::off() switches it off.
    didit::rate_limits rate_limits{};
    /// A rate budget shared with the other processes of a fleet, through Redis.
    didit::fleet_budget fleet{};

    /// Receives the client's events (calls, retries, budget waits, tokens, connections); see
    /// <didit/observer.hpp>, and didit::logfmt_logger and didit::metrics for ready-made ones.
    /// Null: no events, and no cost.
    std::shared_ptr<didit::observer> observer{};

    api_generation generation() const noexcept {
        return api_key.empty() ? api_generation::v1 : api_generation::v3;
    }

    /// Reads DIDIT_API_KEY (selects v3), or else DIDIT_CLIENT_ID and DIDIT_CLIENT_SECRET (v1);
    /// and, optionally, DIDIT_AUTH_URL, DIDIT_API_URL, DIDIT_CA_FILE, DIDIT_RATE_LIMITS ("off"
    /// switches the client's rate budget off, e.g. against an emulator without limits; "on"; or
    /// a list such as "window_ms=2000,create_session=30" that changes those fields),
    /// DIDIT_REDIS_URL (fleet.redis_url) and DIDIT_FLEET_SHARE (fleet.fallback_share); the
    /// proxy from https_proxy or HTTPS_PROXY and its exceptions from no_proxy or NO_PROXY. Throws
    /// config_error naming every missing variable, or the one that is invalid.
    static config from_env();

    /// Throws config_error naming the first invalid field.
    void validate() const;
};

} // namespace didit
