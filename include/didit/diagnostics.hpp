#pragma once
// What the server said when an operation failed, kept apart from error messages so that
// server text never ends up in exceptions or logs by accident.

#include <didit/error.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace didit {

/// One attempt that failed and was repeated.
struct retry_reason {
    error_code error;                ///< what the attempt failed with, e.g. error::rate_limited
    int http_status = 0;             ///< its HTTP status; 0 when no response arrived
    std::chrono::milliseconds delay; ///< how long the call waited before the next attempt
};

struct diagnostics {
    /// HTTP status of the failing response; 0 when no response arrived.
    int http_status = 0;
    /// The server's own explanation (`detail`, `message`, `error_description`, or the field
    /// errors of a 400), truncated to a bounded length. Never contains credentials.
    std::string detail;
    /// The service's stable error code (`code` in its answer, e.g. "application_deleted",
    /// "contract_billing_suspended"), when it sent one; bounded and printable. Branch on this,
    /// not on `detail`, whose wording may change.
    std::string code;
    /// The client's explanation of what went wrong, e.g. which response field was missing.
    std::string message;
    /// The server's `Retry-After`, when it sent one.
    std::optional<std::chrono::seconds> retry_after;
    /// True when the request bytes reached the network before the failure, so a request
    /// that creates something may have taken effect.
    bool request_sent = false;
    /// Requests sent for this call, retries and a 401's retry with a fresh token included.
    unsigned attempts = 0;
    /// Why each retry happened, in order; empty when the first attempt was the last.
    std::vector<retry_reason> retries;

    void clear() { *this = diagnostics{}; }
};

} // namespace didit
