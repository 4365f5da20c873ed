#pragma once
// The emulated Didit service itself: routing, validation, tokens and sessions, as the
// reference describes them. Knows nothing about sockets; the server feeds it parsed requests.

#include <didit/emulator.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace didit::emulator::detail {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

class service {
public:
    explicit service(const options& opts);

    static endpoint classify(const http_request& request);

    /// Counts a request as it arrives, before any fault or processing. Thread-safe.
    void count_arrival(const http_request& request, endpoint where);

    /// Answers one request. Thread-safe.
    http_response handle(const http_request& request, endpoint where);

    counters stats() const;
    void count_connection();
    void expire_tokens();
    void set_token_lifetime(std::chrono::seconds lifetime);

private:
    using clock = std::chrono::system_clock;
    struct stored_session {
        std::string session_id;
        std::string session_token;
        std::string vendor_data;
        std::string callback;
        std::string features;
        std::string status = "Not Started";
        std::string workflow_id; ///< v3 only
        std::int64_t session_number = 0;
    };

    http_response issue_token(const http_request& request);
    http_response create_session(const http_request& request);
    http_response create_workflow_session(const http_request& request);
    /// Empty when the request carries a valid bearer token; otherwise the 401 to send.
    std::optional<http_response> check_bearer(const http_request& request);
    /// Empty when the request carries the API key; otherwise the 401 to send.
    std::optional<http_response> check_api_key(const http_request& request);

    options options_;
    mutable std::mutex mutex_;
    counters counters_;
    std::unordered_map<std::string, clock::time_point> tokens_; ///< token -> expiry
    std::vector<stored_session> sessions_;
    std::int64_t next_session_number_ = 1001;
};

} // namespace didit::emulator::detail
