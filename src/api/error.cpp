#include <didit/error.hpp>

#include <string>

namespace didit {
namespace {

const char* describe(error e) noexcept {
    switch (e) {
    case error::invalid_request:
        return "the request has a value the API would reject; nothing was sent";
    case error::bad_request:
        return "the API rejected the request as invalid (400); see diagnostics for the fields";
    case error::unauthorized:
        return "the API refused the access token even after a refresh (401); check the "
               "application's credentials and permissions";
    case error::forbidden:
        return "the API refused the operation (403); check the application's permissions or "
               "credits";
    case error::not_found:
        return "the API does not know this resource (404)";
    case error::rate_limited:
        return "the API throttled the request (429); retry after diagnostics.retry_after";
    case error::server_error:
        return "the API failed with a server error (5xx); retry later";
    case error::unexpected_status:
        return "the API answered with an HTTP status this operation does not expect";
    case error::token_rejected:
        return "the token endpoint rejected the client credentials; check DIDIT_CLIENT_ID and "
               "DIDIT_CLIENT_SECRET";
    case error::invalid_response:
        return "the server's response is malformed or incomplete; see diagnostics";
    case error::response_too_large:
        return "the server's response exceeds config.max_response_bytes";
    case error::connect_failed:
        return "could not connect to the server; check the URL and the network";
    case error::tls_failed:
        return "the TLS handshake failed; the server's certificate may be untrusted or issued "
               "for another host (config.ca_file adds trusted CAs)";
    case error::connect_timeout:
        return "connecting to the server timed out (config.connect_timeout)";
    case error::handshake_timeout:
        return "the TLS handshake timed out (config.handshake_timeout)";
    case error::token_timeout:
        return "fetching an access token timed out (config.token_timeout)";
    case error::request_timeout:
        return "the operation did not complete within config.request_timeout";
    case error::outcome_unknown:
        return "the request was sent but no complete answer arrived, so it may have taken "
               "effect; check its outcome before repeating it";
    case error::connection_lost:
        return "the connection to the server broke during the exchange; retrying is safe";
    case error::unsupported_operation:
        return "the configured API generation has no such operation (config.api_key selects "
               "v3, client credentials v1); nothing was sent";
    case error::service_unavailable:
        return "the API is temporarily unavailable (503) and processed nothing; retry after "
               "diagnostics.retry_after or later";
    case error::client_moved_from:
        return "the operation was started on a moved-from didit::client; use the client it was "
               "moved to. Nothing was sent";
    case error::payment_required:
        return "the API could not charge the application for this check (402), so it did not "
               "run; top up the balance";
    case error::conflict:
        return "the request conflicts with the resource's current state (409); see "
               "diagnostics.code";
    case error::proxy_auth_required:
        return "the proxy refused the proxy credentials (407); check the user and password of "
               "config.proxy. Nothing reached the service";
    case error::proxy_refused:
        return "the proxy would not open a tunnel to the service; see diagnostics.message for "
               "its answer. Nothing reached the service";
    }
    return "unknown didit error";
}

class error_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "didit"; }
    std::string message(int ev) const override { return describe(static_cast<error>(ev)); }

    boost::system::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<error>(ev)) {
        case error::connect_timeout:
        case error::handshake_timeout:
        case error::token_timeout:
        case error::request_timeout:
            return make_error_condition(condition::timeout);
        case error::unauthorized:
        case error::token_rejected:
        case error::forbidden:
            return make_error_condition(condition::unauthorized);
        case error::rate_limited:
            return make_error_condition(condition::rate_limited);
        case error::server_error:
        case error::service_unavailable:
            return make_error_condition(condition::server_error);
        case error::invalid_response:
        case error::response_too_large:
            return make_error_condition(condition::invalid_response);
        default:
            return {ev, *this};
        }
    }
};

class condition_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "didit.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<condition>(ev)) {
        case condition::timeout:
            return "timed out";
        case condition::unauthorized:
            return "not authorized";
        case condition::rate_limited:
            return "rate limited";
        case condition::server_error:
            return "server error";
        case condition::invalid_response:
            return "invalid response";
        case condition::retryable:
            return "safe to retry later";
        }
        return "unknown didit condition";
    }

    bool equivalent(const error_code& code, int cv) const noexcept override {
        if (static_cast<condition>(cv) == condition::retryable) {
            // Only failures the retry policy repeats for every operation: the service processed
            // nothing, or (connection_lost) only repeatable operations report it.
            if (code.category() != didit::error_category())
                return false;
            switch (static_cast<error>(code.value())) {
            case error::rate_limited:
            case error::service_unavailable:
            case error::connect_failed:
            case error::connect_timeout:
            case error::handshake_timeout:
            case error::token_timeout:
            case error::connection_lost:
                return true;
            default:
                return false;
            }
        }
        return code.category().default_error_condition(code.value()) ==
               boost::system::error_condition(cv, *this);
    }
};

} // namespace

const char* to_string(error e) noexcept {
    switch (e) {
    case error::invalid_request:
        return "invalid_request";
    case error::bad_request:
        return "bad_request";
    case error::unauthorized:
        return "unauthorized";
    case error::forbidden:
        return "forbidden";
    case error::not_found:
        return "not_found";
    case error::rate_limited:
        return "rate_limited";
    case error::server_error:
        return "server_error";
    case error::unexpected_status:
        return "unexpected_status";
    case error::token_rejected:
        return "token_rejected";
    case error::invalid_response:
        return "invalid_response";
    case error::response_too_large:
        return "response_too_large";
    case error::connect_failed:
        return "connect_failed";
    case error::tls_failed:
        return "tls_failed";
    case error::connect_timeout:
        return "connect_timeout";
    case error::handshake_timeout:
        return "handshake_timeout";
    case error::token_timeout:
        return "token_timeout";
    case error::request_timeout:
        return "request_timeout";
    case error::outcome_unknown:
        return "outcome_unknown";
    case error::connection_lost:
        return "connection_lost";
    case error::unsupported_operation:
        return "unsupported_operation";
    case error::service_unavailable:
        return "service_unavailable";
    case error::client_moved_from:
        return "client_moved_from";
    case error::payment_required:
        return "payment_required";
    case error::conflict:
        return "conflict";
    case error::proxy_auth_required:
        return "proxy_auth_required";
    case error::proxy_refused:
        return "proxy_refused";
    }
    return "unknown";
}

const boost::system::error_category& error_category() noexcept {
    static const error_category_impl instance;
    return instance;
}

const boost::system::error_category& condition_category() noexcept {
    static const condition_category_impl instance;
    return instance;
}

} // namespace didit
