#pragma once
// The management resources of API reference 8 (users, blocklist, workflows, webhook
// configuration and deliveries, billing) and the others Didit's own clients call (businesses,
// lists, questionnaires, transactions, webhook destinations, customization, session reviews,
// shares and imports), kept in memory. Used under the service's lock.

#include "answers.hpp"
#include "form_parser.hpp"
#include "session_record.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace didit::emulator::detail {

/// Whether a request for `path` (no query) is one of these resources.
bool is_resource_path(std::string_view path);

/// Whether `path` is the programmatic account API under /auth/v2/ (register, verify the
/// e-mail, log in, organizations and applications), which takes no API key.
bool is_account_path(std::string_view path);

/// A keyed collection in creation order.
struct collection {
    std::vector<std::string> order;
    std::map<std::string, boost::json::object> rows;

    boost::json::object* find(const std::string& key);
    void put(const std::string& key, boost::json::object row);
    bool erase(const std::string& key);
    std::vector<const boost::json::object*> newest_first() const;
};

class resource_desk {
public:
    using session_lookup = std::function<session_record*(std::string_view session_id)>;
    /// Told the webhook URL and secret after a PATCH /v3/webhook/ changed them.
    using webhook_listener = std::function<void(const std::string& url, const std::string& secret)>;

    /// `client_id` and `api_key`: the application the account API hands out.
    resource_desk(std::string webhook_secret, std::string client_id, std::string api_key);

    /// Answers a request for one of these resources, once credentials and rate limits let it
    /// through. `origin` ("https://host:port") roots the pages' links.
    http_response answer(const http_request& request, std::string_view origin,
                         const form_parser* form, const session_lookup& sessions,
                         std::chrono::system_clock::time_point now);

    /// A session was created or changed status: its person becomes (or stays) a user, and the
    /// webhook it causes is a delivery of the default destination.
    void note_session(const session_record& session, bool webhook_sent,
                      std::chrono::system_clock::time_point now);

    /// The account API: an account is registered, verified with the code 123456 (the
    /// emulator's magic value), then logs in for a bearer token that lists its organization and
    /// the emulator's application.
    http_response account(const http_request& request, std::chrono::system_clock::time_point now);

    void on_webhook_change(webhook_listener listener) { webhook_listener_ = std::move(listener); }
    /// The server's webhook URL and secret, as `GET /v3/webhook/` shows them.
    void webhook_configured(const std::string& url, const std::string& secret);
    /// A check was paid for; the balance never goes below zero.
    void charge(double dollars) { balance_ = std::max(0.0, balance_ - dollars); }
    /// What `GET /v3/billing/balance/` says while the account has no credits.
    void set_empty(bool empty) { empty_ = empty; }
    void reset();

    std::size_t user_count() const { return users_.rows.size(); }
    /// The default destination's uuid (its deliveries are the emulator's webhooks).
    const std::string& default_destination() const { return default_destination_; }

private:
    http_response users(const http_request& request, std::string_view origin, std::string_view rest,
                        collection& people, std::string_view kind,
                        std::chrono::system_clock::time_point now);
    http_response blocklist(const http_request& request, std::string_view origin,
                            std::string_view rest, const session_lookup& sessions,
                            std::chrono::system_clock::time_point now);
    http_response webhook(const http_request& request, std::string_view origin,
                          std::string_view rest, std::chrono::system_clock::time_point now);
    http_response generic(const http_request& request, std::string_view origin,
                          std::string_view name, std::string_view rest,
                          std::chrono::system_clock::time_point now);
    void seed();

    std::string initial_secret_; ///< and URL: the server's, kept across reset()
    std::string configured_url_;
    collection users_;
    collection businesses_;
    std::vector<boost::json::object> blocklist_; ///< oldest first
    boost::json::object webhook_config_;
    std::string default_destination_;
    std::map<std::string, collection> deliveries_; ///< by destination uuid
    std::map<std::string, collection> generic_;    ///< workflows, lists, ... by name
    struct account_record {
        std::string password;
        bool verified = false;
    };
    std::map<std::string, account_record> accounts_; ///< by e-mail
    std::vector<std::string> access_tokens_;
    std::string client_id_;
    std::string api_key_;
    std::string organization_ = "0a900000-0000-4000-8000-000000000001";
    std::string application_ = "a9900000-0000-4000-8000-000000000001";
    double balance_ = 1000.0;
    bool empty_ = false;
    webhook_listener webhook_listener_;
};

} // namespace didit::emulator::detail
