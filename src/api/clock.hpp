#pragma once
// The one clock the client schedules by: deadlines, token lifetimes, backoff, rate windows.

#include <chrono>

namespace didit::detail {

using clock = std::chrono::steady_clock;

} // namespace didit::detail
