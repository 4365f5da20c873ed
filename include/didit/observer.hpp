#pragma once
// What a client does, as events for logs and metrics. No event carries a secret, a token, a
// request or response body, vendor_data or a session id: routes are templates ("{id}").

#include <didit/error.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace didit {

/// A call entered the client (`started`) or completed (`finished`, the other fields set).
struct call_event {
    enum class phase { started, finished };
    phase what = phase::started;
    std::string_view operation; ///< "create_session", "retrieve_decision", "token", ...
    std::string_view method;    ///< "POST"
    std::string_view route;     ///< "/v3/session/{id}/decision/"
    int http_status = 0;        ///< of the last response; 0 when none arrived
    error_code error{};         ///< the call's outcome
    unsigned attempts = 0;      ///< requests sent
    std::chrono::nanoseconds duration{};
    bool reused_connection = false; ///< the last attempt went over a kept-alive connection
};

/// A failed attempt will be repeated after `delay`.
struct retry_event {
    std::string_view operation;
    std::string_view route;
    error_code reason{}; ///< what the attempt failed with, e.g. error::service_unavailable
    int http_status = 0;
    unsigned attempt = 0; ///< the attempt that failed, from 1
    std::chrono::milliseconds delay{};
};

/// A call waits for room in the rate budget before sending.
struct budget_wait_event {
    std::string_view operation;
    std::string_view route;
    std::chrono::milliseconds wait{};
};

/// The v1 token: a new one arrived (`fetched`), or fetching one failed.
struct token_event {
    enum class phase { fetched, refresh_failed };
    phase what = phase::fetched;
    error_code error{};                  ///< refresh_failed: why
    std::chrono::seconds lifetime{};     ///< fetched: the service's expires_in
    std::chrono::nanoseconds duration{}; ///< how long the fetch took
};

/// A TLS connection to a server was established, or one was closed.
struct connection_event {
    enum class phase { opened, closed };
    enum class reason {
        none,          ///< opened
        idle_timeout,  ///< idle for config.idle_timeout
        peer_closed,   ///< the server closed it (or sent unasked bytes) while it was idle
        not_reusable,  ///< an exchange failed, was cancelled, or the server asked to close
        client_closed, ///< the client closed its idle connections (cancel(), destruction)
    };
    phase what = phase::opened;
    reason why = reason::none;
    std::string_view server;  ///< "host:port"
    bool resumed_tls = false; ///< opened: the handshake resumed an earlier TLS session
};

/// The rate budget a fleet shares (config::fleet) could not be reached, and this process went
/// by its own share of the limits (`local`); or it is back on the shared budget (`shared`).
struct fleet_event {
    enum class phase { shared, local };
    phase what = phase::shared;
    error_code error{};      ///< local: why, e.g. a timeout or a refused connection
    std::string_view server; ///< Redis's "host:port"
};

/// Receives a client's events. Set config::observer. Called synchronously from the threads
/// that run the client's executor, possibly from several at once, so an observer must be
/// thread-safe, quick, and must not block or call back into the client. Every function has
/// an empty default: override what you need.
class observer {
public:
    virtual ~observer() = default;
    virtual void on_call(const call_event&) {}
    virtual void on_retry(const retry_event&) {}
    virtual void on_budget_wait(const budget_wait_event&) {}
    virtual void on_token(const token_event&) {}
    virtual void on_connection(const connection_event&) {}
    virtual void on_fleet_budget(const fleet_event&) {}
};

/// Names for logs and metric labels: "started", "finished", "idle_timeout", ...
std::string_view to_string(call_event::phase phase) noexcept;
std::string_view to_string(token_event::phase phase) noexcept;
std::string_view to_string(connection_event::phase phase) noexcept;
std::string_view to_string(connection_event::reason reason) noexcept;
std::string_view to_string(fleet_event::phase phase) noexcept;

/// An outcome's name for logs and labels: "ok", a didit::error's name ("rate_limited"),
/// "operation_aborted", or "category:value" for other errors.
std::string error_name(const error_code& ec);

} // namespace didit
