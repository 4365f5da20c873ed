#pragma once
// Random identifiers from OpenSSL's generator: multipart boundaries, idempotency keys, the
// emulator's ids.

#include <cstddef>
#include <string>

namespace didit::detail {

/// `bytes` random bytes as lowercase hex. Throws std::runtime_error when OpenSSL has no
/// randomness to give.
std::string random_hex(std::size_t bytes);

} // namespace didit::detail
