#pragma once
// The webhook the emulated service sends when a session's status changes: the payload in the
// session's generation, serialised and signed as the service does (section 3.2). Pure.

#include "session_record.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace didit::emulator::detail {

struct signed_delivery {
    std::string session_id;
    std::string body; ///< ASCII-escaped canonical JSON, as on the wire
    std::string signature;
    std::string signature_v2;     ///< v3 deliveries only
    std::string signature_simple; ///< v3 deliveries only
    std::string timestamp;
};

/// A `status.updated` delivery for `session` as it is now, sent at `now_seconds`.
signed_delivery webhook_delivery(const session_record& session, std::int64_t now_seconds,
                                 std::string_view event_id, std::string_view secret);

} // namespace didit::emulator::detail
