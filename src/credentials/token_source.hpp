#pragma once
// The single-flight access-token cache shared by every request of a client. Used only from
// the client's strand: at most one token request is in flight, everyone else waits for it.

#include "credentials/token_policy.hpp"
#include "operations/call_pipeline.hpp"
#include "operations/operation.hpp"
#include "transport/connection_pool.hpp"
#include "wire/v1_codec.hpp"

#include <didit/diagnostics.hpp>
#include <didit/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace didit::detail {

struct access_token {
    std::string credentials; ///< "Authorization: Bearer ...\r\n"; a secret
    token_lifetime lifetime;
    std::uint64_t generation = 0; ///< identifies this token, so a 401 invalidates only it
};

struct token_endpoint {
    std::string target;        ///< path of the token endpoint
    std::string credentials;   ///< "Authorization: Basic ...\r\n"; a secret
    clock::duration timeout{}; ///< limit for one token request; zero: none
    std::size_t max_response_bytes = 0;
    std::atomic<std::uint64_t>* requests_sent = nullptr; ///< counted here when set
    didit::observer* watcher = nullptr;                  ///< told of fetches, when set
};

class token_source {
public:
    /// Refreshes retry under `policy` inside their single flight; they are listed in
    /// `registry` while they run, so that client::cancel() stops them too.
    token_source(const boost::asio::any_io_executor& strand, connection_pool& pool,
                 token_endpoint endpoint, const retry_policy& policy, call_counters& counters,
                 jitter_source& jitter, operation_registry& registry);

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
    /// `owner` is held by the coroutine itself so that the pool outlives the connection it
    /// borrows even if the frame is destroyed without completing (io_context shutdown).
    boost::asio::awaitable<flow_result<issued_token>> fetch(std::shared_ptr<void> owner,
                                                            operation_state& op);

    boost::asio::any_io_executor strand_;
    connection_pool& pool_;
    token_endpoint endpoint_;
    const retry_policy& policy_;
    call_counters& counters_;
    jitter_source& jitter_;
    operation_registry& registry_;
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
