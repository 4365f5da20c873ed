#pragma once
// json.dumps as Didit's service calls it for webhooks: `json.dumps(shorten_floats(payload),
// sort_keys=True, separators=(",", ":"), ensure_ascii=...)`. Written apart from the library's
// verifier on purpose (printf-based float search, its own UTF-8 walk), so that a mistake in
// one cannot cancel out the same mistake in the other in our tests.

#include <boost/json/value.hpp>

#include <string>

namespace didit::emulator::detail {

/// The payload as the service serialises it; `ensure_ascii` as Python's flag.
std::string python_dumps(const boost::json::value& payload, bool ensure_ascii);

} // namespace didit::emulator::detail
