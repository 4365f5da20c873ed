#pragma once
// The exception a failed call throws with the default completion token (use_awaitable).

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/system/system_error.hpp>

#include <memory>

namespace didit {

/// A failed operation, as thrown by `co_await client.op(...)` with the default token: the
/// error code, and what the server said. what() is the error's own message only: server text
/// and secrets stay out of it, so it is safe to log as is; diagnostics().detail is the
/// server's wording, for the people who operate the integration.
class api_error : public boost::system::system_error {
public:
    api_error(error_code ec, didit::diagnostics diag)
        : boost::system::system_error(ec),
          diagnostics_(std::make_shared<const didit::diagnostics>(std::move(diag))) {}

    /// HTTP status, the server's detail, retry_after, attempts and the retries' reasons.
    const didit::diagnostics& diagnostics() const noexcept { return *diagnostics_; }

private:
    // Shared, so that copying the exception (as throw and exception_ptr may) cannot throw.
    std::shared_ptr<const didit::diagnostics> diagnostics_;
};

} // namespace didit
