#pragma once
// How a v1 client fetches its access token: one POST to the token endpoint through the call
// pipeline, as a token_source is handed it (credentials/token_source.hpp).

#include "credentials/token_source.hpp"
#include "operations/call_pipeline.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace didit::detail {

struct token_endpoint {
    std::string target;        ///< path of the token endpoint
    std::string credentials;   ///< "Authorization: Basic ...\r\n"; a secret
    clock::duration timeout{}; ///< limit for one token request; zero: none
    std::size_t max_response_bytes = 0;
    std::atomic<std::uint64_t>* requests_sent = nullptr; ///< counted here when set
    didit::observer* watcher = nullptr;                  ///< told of its attempts, when set
};

/// Each fetch runs on `strand` under endpoint.timeout (token_timeout when it passes), retries
/// under `policy`, and is listed in `registry` while it runs, so that client::cancel() stops
/// it too. Everything referred to must outlive the fetches (the owner they keep holds it).
token_fetch make_token_fetch(const boost::asio::any_io_executor& strand, connection_pool& pool,
                             token_endpoint endpoint, const retry_policy& policy,
                             call_counters& counters, jitter_source& jitter,
                             operation_registry& registry);

} // namespace didit::detail
