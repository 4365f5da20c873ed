#pragma once
// What the example server knows about its users' verifications: the sessions it created and
// the statuses Didit's webhooks reported. Thread-safe.

#include <didit/decision.hpp>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace example {

struct verification {
    std::string session_id;
    std::string status; ///< the service's spelling, e.g. "In Review"
};

/// Whether a webhook reporting `incoming` should overwrite `current`. Deliveries may arrive out
/// of order, so a status never moves back to an earlier stage of the lifecycle ("Not Started"
/// after "Approved"); among final statuses the later delivery wins (a reviewer's change).
bool supersedes(didit::session_status incoming, didit::session_status current);

class verification_registry {
public:
    /// The user started a new session: it becomes the one their status is read from.
    void started(std::string_view user, std::string_view session_id);
    /// A webhook reported `status` for `session_id` of `user`.
    void reported(std::string_view user, std::string_view session_id, std::string_view status);
    /// The user's latest session and its status.
    std::optional<verification> latest(std::string_view user) const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> latest_session_; ///< user -> session id
    std::unordered_map<std::string, std::string> status_;         ///< session id -> status
};

} // namespace example
