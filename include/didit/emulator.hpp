#pragma once
// A Didit emulator for tests, examples, benchmarks and offline development: serves the v1 and
// v3 session APIs over TLS on loopback, with a certificate it generates, keeps sessions and
// their decisions, counts what it sees, and misbehaves on request.

#include <didit/config.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit::emulator {

/// Where and how the emulator sends webhooks.
struct webhook_settings {
    /// "https://host:port/path", as the service delivers, or "http://..." for a plain receiver
    /// under test; empty: no webhooks.
    std::string url;
    /// For https: the PEM certificates the receiver's certificate must chain to (the system's
    /// trust store when empty). The name in the URL must match the certificate.
    std::string ca_pem{};
    std::string secret = "emulator-webhook-secret"; ///< the HMAC key of the signatures
    unsigned attempts = 5; ///< first try included; retried on 5xx, 404 or no answer
    std::chrono::milliseconds retry_delay{100}; ///< before the first retry; doubles each time
};

struct options {
    std::string address = "127.0.0.1";
    unsigned short port = 0; ///< 0: any free port
    std::string client_id = "emulator-client";
    std::string client_secret = "emulator-secret";
    std::string api_key = "emulator-api-key"; ///< accepted in `x-api-key` by the v3 routes
    std::chrono::seconds token_lifetime{86400};
    /// A token's `exp - iat` is this many times its `expires_in`. The reference's example has
    /// 10 (864000 against 86400): a client must go by expires_in.
    unsigned token_exp_multiple = 1;
    /// How a batch delete answers (API reference 2.6): 200 with `results[]`, or, when more
    /// than `batch_job_threshold` sessions match, 202 with a `job_id` whose job deletes them by
    /// itself `batch_job_duration` later, polled or not (`GET /v3/sessions/delete/{job_id}/`
    /// says "pending", then "completed"). `batch_delete_no_content` answers an empty 204
    /// instead, as older pages say.
    unsigned batch_job_threshold = 20;
    std::chrono::milliseconds batch_job_duration{300};
    bool batch_delete_no_content = false;
    /// A v3 single delete answers 200 with what it deleted, as the current reference says;
    /// true: an empty 204, as older pages say (v1 always answers 204).
    bool single_delete_no_content = false;
    /// Sessions of this workflow are KYB (`session_kind: "business"`); all others are KYC.
    std::string business_workflow_id = "b0b0b0b0-0000-4000-8000-00000000b2b0";
    /// Names and addresses the generated certificate is valid for.
    std::vector<std::string> certificate_hosts{"localhost", "127.0.0.1"};
    /// Speak TLS 1.2 at most (session ids and tickets instead of TLS 1.3's resumption).
    bool tls12_only = false;
    /// Seeds the generator that decides which requests a fault with probability < 1 hits.
    unsigned fault_seed = 20261128;
    /// Base of the verification links handed out in create-session responses.
    std::string verify_url = "https://verify.didit.me";
    /// A `status.updated` webhook goes out when a session is created, finished by
    /// finish_session() or updated through the API, in the session's generation's shape, with
    /// X-Signature, X-Timestamp and (v3) X-Signature-V2 and X-Signature-Simple.
    webhook_settings webhooks{};
};

/// v1 and v3 routes of the same operation share an endpoint.
enum class endpoint {
    token,
    create_session,
    update_status,
    delete_session,
    generate_pdf,
    batch_delete,
    batch_delete_job, ///< GET /v3/sessions/delete/{job_id}/
    decision,
    list_sessions,
    /// The standalone checks of API reference 7: `POST /v3/id-verification/`, `/v3/aml/`, ...
    standalone_check,
    /// The resources of API reference 8 (users, blocklist, workflows, webhook, billing) and
    /// the others Didit's own clients call (lists, questionnaires, transactions, ...).
    management,
    /// The programmatic account API under /auth/v2/ (register, log in, organizations), which
    /// Didit's own clients call; it takes no API key.
    account,
    other,
};

struct counters {
    std::uint64_t connections_accepted = 0;
    std::uint64_t tls_handshakes = 0;  ///< completed, full or resumed
    std::uint64_t tls_resumptions = 0; ///< handshakes that resumed an earlier session
    std::uint64_t token_requests = 0;  ///< requests to the token endpoint
    std::uint64_t tokens_issued = 0;
    std::uint64_t create_session_requests = 0; ///< requests to POST /v1/session/
    std::uint64_t sessions_created = 0;
    std::uint64_t sessions_reused = 0; ///< v3 creates answered with an unfinished session
    std::uint64_t update_status_requests = 0;
    std::uint64_t delete_requests = 0; ///< single and batch
    std::uint64_t pdf_requests = 0;
    std::uint64_t decision_requests = 0;
    std::uint64_t deletion_job_polls = 0; ///< GET /v3/sessions/delete/{job_id}/
    std::uint64_t list_requests = 0;
    std::uint64_t check_requests = 0;      ///< to the standalone checks
    std::uint64_t checks_charged = 0;      ///< checks answered 200 (each uses a credit)
    std::uint64_t management_requests = 0; ///< to users, blocklist, ..., and the account API
    std::uint64_t other_requests = 0;
    std::uint64_t requests_with_authorization = 0; ///< carried an Authorization header
    std::uint64_t requests_with_api_key = 0;       ///< carried an x-api-key header
    std::uint64_t throttled = 0;                   ///< answered 429 by a rate-limit scope
    /// The most token requests ever open at once (arrived, not yet answered or dropped).
    std::uint64_t token_requests_peak_in_flight = 0;
    std::uint64_t webhook_attempts = 0;   ///< POSTs tried, retries included
    std::uint64_t webhooks_delivered = 0; ///< accepted by the receiver (not retried)
    std::uint64_t webhooks_abandoned = 0; ///< given up after every attempt failed
};

/// The service's rate-limit scopes (requests per sliding window, per credential). A request
/// counts against its endpoint's scope and the generic read or write scope; the first scope
/// exceeded answers 429 with X-RateLimit-Limit, -Remaining, -Reset and Retry-After. Every other
/// answer carries X-RateLimit-* for the request's first scope (its endpoint's, else generic).
struct rate_limits {
    std::chrono::milliseconds window{60'000}; ///< shorter windows make tests quick
    unsigned generic_get = 600;
    unsigned generic_write = 300;
    unsigned create_session = 600;
    unsigned generate_pdf = 50;
    unsigned retrieve_decision = 100;
};

/// Misbehaviour for the next `times` requests to `where` (with `probability` < 1, for that
/// share of them, drawn from the emulator's seeded generator). Every kind first waits `delay`.
struct fault {
    enum class kind {
        delay,                 ///< only wait `delay`, then answer normally
        respond,               ///< answer `status` with `body` (and Retry-After) without processing
        close_on_arrival,      ///< close the connection as soon as the request arrives
        drop_after_processing, ///< process the request, then close without answering
        truncated_body,        ///< process, then send only half the body and close
        non_json_body,         ///< process, then answer with an HTML body
        close_after_response,  ///< process, answer with `Connection: close`, then close
        // What production HTTPS front ends send and a client must take in its stride. Each
        // processes the request and answers it in full.
        early_hints,          ///< a `103 Early Hints` interim response before the answer
        folded_header,        ///< one header field folded over two lines (obs-fold)
        close_delimited_body, ///< no length: the body ends with close_notify and the close
        key_update,           ///< a TLS 1.3 KeyUpdate before the answer; the connection lives on
        // A TLS alert instead of an answer (the request is not processed).
        tls_alert, ///< a fatal alert record (internal_error), then the connection closes
        // A hostile server: bytes no well-behaved service sends, and a redirect (a well-formed
        // answer the client must not follow). None processes the request.
        trickle_headers,          ///< the head one byte every 20 ms, never finished
        endless_chunked_body,     ///< 200 with a chunked body that never ends
        many_header_fields,       ///< 200 with 10,000 header fields
        oversized_header_line,    ///< 200 with one 64 KiB header line
        oversized_content_length, ///< 200 announcing a 1 TiB body, then a slow trickle of it
        unsized_http10_body,      ///< HTTP/1.0 200 without a length, then the connection held open
        bad_chunk_size,           ///< 200 chunked, with a chunk size that is not hexadecimal
        redirect,                 ///< `status` if 3xx (else 301) with `Location: location`
    };
    kind what = kind::respond;
    endpoint where = endpoint::create_session;
    unsigned times = 1;
    std::chrono::milliseconds delay{};
    unsigned status = 503;
    std::string body = R"({"detail":"Service temporarily unavailable."})";
    std::optional<unsigned> retry_after{};
    double probability = 1.0;
    std::string location = "https://elsewhere.example/v1/session/"; ///< of a redirect
};

/// The application's standing with Didit, as the service's coded answers show it (API
/// reference §9).
enum class account_state {
    active,
    /// Session creates answer 403 with code `contract_billing_suspended`.
    billing_suspended,
    /// Every request with the API key answers 401 with code `application_deleted` (as the
    /// service does for a few minutes after an application is deleted).
    application_deleted,
    /// The balance is too low: standalone checks answer 403 with code `insufficient_credits`
    /// before processing (API reference 7.0), and `GET /v3/billing/balance/` says "0.0000".
    no_credits,
    /// The check could not be paid for: standalone checks answer 402 with code
    /// `payment_required` (API reference 9).
    payment_failed,
};

/// Runs on a thread of its own from construction to destruction. Every member function may be
/// called from any thread.
class server {
public:
    explicit server(options opts = {});
    server(const server&) = delete;
    server& operator=(const server&) = delete;
    ~server();

    unsigned short port() const;
    /// "https://localhost:PORT": the origin of both the token endpoint and the API.
    std::string url() const;
    /// The self-signed certificate clients must trust.
    const std::string& certificate_pem() const;
    /// A client configuration that talks to this emulator and trusts its certificate: client
    /// credentials for v1, the API key for v3. Its rate budget matches the emulator's rate
    /// limits if they are on, and is off otherwise.
    didit::config client_config(api_generation generation = api_generation::v1) const;

    counters stats() const;
    void inject(fault f);
    /// Forgets every injected fault that has not struck yet.
    void clear_faults();
    /// Back to a fresh start: no sessions, tokens, deletion jobs, faults or counts (open
    /// connections stay open). The options, webhook settings and rate limits stay.
    void reset();
    /// Closes every connection that is waiting for its next request; returns once they are closed.
    void close_idle_connections();
    /// Makes every issued token expired, as if its lifetime had passed.
    void expire_tokens();
    /// Changes where webhooks go from now on (e.g. once the receiver's port is known).
    void set_webhooks(webhook_settings settings);
    /// Switches the rate-limit scopes on (they are off by default), counting from now.
    /// Configurations made by client_config() afterwards get a matching rate budget.
    void enable_rate_limits(rate_limits limits);

    /// When each session create was let through the rate limits (switched on by
    /// enable_rate_limits), in order, the last 100,000: how a test sees the service's windows.
    std::vector<std::chrono::system_clock::time_point> creates_let_through() const;

    /// Changes the application's standing from now on (reset() keeps it).
    void set_account_state(account_state state);

    /// A provider outage from now on (`on`) or its end: the standalone checks at
    /// `/v3/<provider>/...` ("phone", "email", "aml", "face-match", "database-validation", ...)
    /// answer 502 with code `<provider>_provider_unavailable` ("-" written "_"), as the
    /// service does when its upstream fails (API reference 9).
    void set_provider_outage(std::string_view provider, bool on);

    /// What the standalone checks received in multipart/form-data bodies, oldest first (the
    /// last 64 forms): each part's name, file name, content type, size and SHA-256, and its
    /// first MiB. For tests of uploads.
    struct received_part {
        std::string name;
        std::optional<std::string> file_name;
        std::string content_type;
        std::uint64_t size = 0;
        std::string content; ///< the first MiB
        std::string sha256;  ///< lowercase hex of all of it
    };
    std::vector<std::vector<received_part>> received_forms() const;

    /// Changes the lifetime of tokens issued from now on.
    void set_token_lifetime(std::chrono::seconds lifetime);
    /// Number of connections currently open.
    std::size_t open_connections() const;

    /// Acts as the person verifying (or as time passing), along the lifecycle of the API
    /// reference's 4.1: Not Started -> In Progress | Expired; Not Started or In Progress ->
    /// Approved | Declined | In Review | Abandoned; Approved -> Kyc Expired. Approved, Declined
    /// and In Review also decide the checks in the decision (Declined: the face did not match;
    /// In Review: a possible AML match). False if there is no such session or move.
    bool finish_session(std::string_view session_id, std::string_view status);
    /// The session's status; nullopt if it does not exist or was deleted.
    std::optional<std::string> session_status(std::string_view session_id) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// For programs that work offline by default: the configuration from the DIDIT_* variables
/// when DIDIT_CLIENT_ID or DIDIT_API_KEY is set (config::from_env, which throws config_error on bad
/// values); otherwise starts an emulator in `local` and returns the configuration for it.
didit::config config_from_env_or_emulator(std::optional<server>& local);

} // namespace didit::emulator
