#pragma once
// The emulated Didit service itself: routing, validation, tokens and sessions, as the
// reference describes them. Knows nothing about sockets; the server feeds it parsed requests.

#include "answers.hpp"
#include "checks.hpp"
#include "form_parser.hpp"
#include "resources.hpp"
#include "routes.hpp"
#include "session_record.hpp"

#include <didit/emulator.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace didit::emulator::detail {

class service {
public:
    explicit service(const options& opts);

    static route classify(const http_request& request);

    /// Counts a request as it arrives, before any fault or processing. Thread-safe.
    void count_arrival(const http_request& request, endpoint where);

    /// Answers one request; `form` is its body when that was multipart/form-data. Thread-safe.
    http_response handle(const http_request& request, const route& to,
                         const form_parser* form = nullptr);

    /// The test acting as the person verifying. Thread-safe.
    bool finish_session(std::string_view session_id, std::string_view status);
    std::optional<std::string> session_status(std::string_view session_id);

    /// Called with a copy of a session whose status was just set (creation included), under
    /// the service's lock: it must not call back into the service.
    void on_status_change(std::function<void(const session_record&)> listener);

    counters stats() const;
    void count_connection();
    void count_handshake(bool resumed);
    void expire_tokens();
    /// Forgets sessions, tokens, deletion jobs, rate windows and counts.
    void reset();
    void set_token_lifetime(std::chrono::seconds lifetime);
    void set_account_state(account_state state);
    void set_provider_outage(std::string_view provider, bool on);
    std::vector<std::vector<server::received_part>> received_forms() const;
    /// Told the webhook URL and secret after `PATCH /v3/webhook/` changed them, under the
    /// service's lock.
    void on_webhook_change(resource_desk::webhook_listener listener);
    /// The webhook URL and secret the server uses (set_webhooks), for `GET /v3/webhook/`.
    void webhook_configured(const std::string& url, const std::string& secret);
    std::vector<std::chrono::system_clock::time_point> creates_let_through() const;
    void enable_rate_limits(rate_limits limits);
    std::optional<rate_limits> rate_limits_in_force() const;

private:
    using clock = std::chrono::system_clock;
    http_response issue_token(const http_request& request);
    http_response create_session(const http_request& request);
    http_response create_workflow_session(const http_request& request);
    http_response update_status(const http_request& request, const route& to);
    http_response delete_session(const http_request& request, const route& to);
    http_response generate_pdf(const http_request& request, const route& to);
    http_response batch_delete(const http_request& request);
    http_response batch_delete_job(const http_request& request, const route& to);
    http_response batch_answer(const http_request& request, std::vector<std::string> matched);
    http_response retrieve_decision(const http_request& request, const route& to);
    http_response list_sessions(const http_request& request);
    /// The generation's credential check: empty when accepted, else the 401 to send.
    std::optional<http_response> check_credentials(const http_request& request,
                                                   api_generation generation);
    /// What an answer says about the first scope of its request (X-RateLimit-*).
    struct rate_note {
        unsigned limit = 0; ///< 0: no rate limits
        unsigned remaining = 0;
        long long reset_epoch = 0;
    };
    /// The 429 to send when a scope of `to` is exhausted for this caller; counts the request
    /// against its scopes otherwise, and says so in `note`.
    std::optional<http_response> throttle(const http_request& request, const route& to,
                                          rate_note& note);
    /// The answer of the endpoint, once credentials and rate limits let the request through.
    http_response answer(const http_request& request, const route& to, const form_parser* form);
    http_response run_check(const http_request& request, const form_parser* form);
    /// The unfinished v3 session of `vendor_data` on `workflow_id`, or null.
    session_record* find_unfinished(std::string_view workflow_id, std::string_view vendor_data);
    /// Gives `created` its id, token, URL, number and time and keeps it.
    void store(session_record& created);
    /// The live session with that id, or null.
    session_record* find_session(std::string_view session_id);
    /// Empty when the request carries a valid bearer token; otherwise the 401 to send.
    std::optional<http_response> check_bearer(const http_request& request);
    /// Empty when the request carries the API key; otherwise the 401 to send.
    std::optional<http_response> check_api_key(const http_request& request);

    void announce(const session_record& session);

    options options_;
    account_state account_ = account_state::active;
    std::function<void(const session_record&)> status_listener_;
    mutable std::mutex mutex_;
    counters counters_;
    std::unordered_map<std::string, clock::time_point> tokens_; ///< token -> expiry
    std::unordered_map<std::string, session_record> sessions_;  ///< by session_id
    std::int64_t next_session_number_ = 1001;
    struct deletion_job {
        std::vector<std::string> session_ids;
        clock::time_point done_at; ///< when it has deleted them, polled or not
        bool completed = false;
    };
    /// Completes the deletion jobs whose time has come. Under the lock, before anything that
    /// could see their sessions.
    void settle_deletion_jobs();
    std::unordered_map<std::string, deletion_job> deletion_jobs_; ///< by job_id
    std::optional<rate_limits> limits_;
    /// scope + caller -> times of the requests in the last minute, oldest first
    std::unordered_map<std::string, std::deque<clock::time_point>> windows_;
    static constexpr std::size_t max_creates_kept = 100'000;
    std::deque<clock::time_point> creates_let_through_; ///< by the rate limits, the latest
    check_desk checks_;
    resource_desk resources_;
    std::vector<std::string> outages_; ///< providers answering 502
    static constexpr std::size_t max_forms_kept = 64;
    std::deque<std::vector<server::received_part>> forms_;
    /// Idempotency-Key -> the body it came with and the answer given
    std::unordered_map<std::string, std::pair<std::string, http_response>> idempotent_;
};

} // namespace didit::emulator::detail
