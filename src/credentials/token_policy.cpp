#include "credentials/token_policy.hpp"

#include <algorithm>

namespace didit::detail {

clock::duration refresh_margin(std::chrono::seconds expires_in) {
    using namespace std::chrono_literals;
    return std::min<clock::duration>(std::chrono::duration_cast<clock::duration>(expires_in) / 10,
                                     5min);
}

token_lifetime schedule_token(clock::time_point requested_at, std::chrono::seconds expires_in) {
    auto expires_at = requested_at + expires_in;
    return {expires_at - refresh_margin(expires_in), expires_at};
}

token_action decide_token_action(const token_lifetime* current, bool refresh_in_flight,
                                 clock::time_point now, clock::time_point retry_not_before) {
    if (current == nullptr || now >= current->expires_at)
        return token_action::wait_for_refresh;
    if (now >= current->refresh_at && !refresh_in_flight && now >= retry_not_before)
        return token_action::use_and_refresh;
    return token_action::use;
}

clock::time_point next_refresh_attempt(clock::time_point now, clock::time_point expires_at) {
    using namespace std::chrono_literals;
    auto remaining = std::max<clock::duration>(expires_at - now, 0s);
    return now + std::min<clock::duration>(remaining / 4, 30s);
}

} // namespace didit::detail
