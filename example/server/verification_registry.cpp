#include "verification_registry.hpp"

namespace example {

namespace {

int stage(didit::session_status status) {
    using s = didit::session_status;
    switch (status) {
    case s::not_started:
        return 0;
    case s::in_progress:
    case s::resubmitted:
    case s::awaiting_user:
        return 1;
    case s::in_review:
        return 2;
    case s::other: // unknown to us: let it through rather than lose it
    case s::approved:
    case s::declined:
    case s::abandoned:
    case s::expired:
    case s::kyc_expired:
        return 3;
    }
    return 3;
}

} // namespace

bool supersedes(didit::session_status incoming, didit::session_status current) {
    return stage(incoming) >= stage(current);
}

void verification_registry::started(std::string_view user, std::string_view session_id) {
    std::lock_guard lock{mutex_};
    latest_session_[std::string{user}] = session_id;
    status_.try_emplace(std::string{session_id}, "Not Started"); // a webhook may have come first
}

void verification_registry::reported(std::string_view user, std::string_view session_id,
                                     std::string_view status) {
    std::lock_guard lock{mutex_};
    latest_session_.try_emplace(std::string{user}, session_id);
    auto [it, inserted] = status_.try_emplace(std::string{session_id}, status);
    if (!inserted && supersedes(didit::parse_session_status(status).value,
                                didit::parse_session_status(it->second).value))
        it->second = status;
}

std::optional<verification> verification_registry::latest(std::string_view user) const {
    std::lock_guard lock{mutex_};
    auto session = latest_session_.find(std::string{user});
    if (session == latest_session_.end())
        return std::nullopt;
    auto status = status_.find(session->second);
    return verification{session->second, status == status_.end() ? "Not Started" : status->second};
}

} // namespace example
