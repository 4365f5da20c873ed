#pragma once
// The single-flight access-token cache shared by every request of a client. Used only from
// the client's strand: at most one token request is in flight, everyone else waits for it.
// How a token is fetched is handed in (operations/token_fetch.hpp): this only decides when.

#include "credentials/token_policy.hpp"
#include "wire/v1_codec.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>
#include <didit/observer.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace didit::detail {

struct access_token {
    std::string credentials; ///< "Authorization: Bearer ...\r\n"; a secret
    token_lifetime lifetime;
    std::uint64_t generation = 0; ///< identifies this token, so a 401 invalidates only it
};

/// What one token request ended with.
struct fetched_token {
    error_code ec;
    issued_token token; ///< when !ec
    diagnostics diag;
};

/// Starts one token request, keeping `owner` alive until it ends, and calls `done` with its
/// result on the client's strand. It has a deadline of its own and no outside cancellation.
using token_fetch =
    std::function<void(std::shared_ptr<void> owner, std::function<void(fetched_token)> done)>;

class token_source {
public:
    token_source(const boost::asio::any_io_executor& strand, token_fetch fetch,
                 didit::observer* watcher);

    using token_ptr = std::shared_ptr<const access_token>;

    /// The cached token if it may be used now (starting a background refresh when it is due);
    /// null when the caller must wait in get(). Never waits.
    token_ptr usable_now(const std::shared_ptr<void>& owner);

    /// A valid token, waiting for a refresh when there is none. Fails with the refresh's error
    /// (diagnostics copied into `diag`) when the refresh this call waited for failed, and with
    /// operation_aborted when the calling coroutine is cancelled. `owner` is kept alive by any
    /// refresh this call starts.
    boost::asio::awaitable<std::pair<error_code, token_ptr>> get(const std::shared_ptr<void>& owner,
                                                                 diagnostics& diag);

    /// Forgets the token of `generation` if it is still the current one (the API refused it).
    void invalidate(std::uint64_t generation);

private:
    void start_refresh(const std::shared_ptr<void>& owner);
    void refreshed(fetched_token result, std::uint64_t flight, clock::time_point requested_at);

    token_fetch fetch_;
    didit::observer* watcher_;
    token_ptr current_;
    std::uint64_t generation_ = 0;
    bool refreshing_ = false;
    std::uint64_t flight_ = 0;             ///< number of the latest refresh started
    std::uint64_t last_failed_flight_ = 0; ///< number of the latest refresh that failed
    error_code last_failure_;
    diagnostics last_failure_diag_;
    clock::time_point retry_not_before_{};
    boost::asio::steady_timer refreshed_; ///< cancelled to wake waiters when a refresh ends
};

} // namespace didit::detail
