#pragma once
// HMAC-SHA256, as webhook signatures use it.

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace didit::detail {

using sha256_digest = std::array<unsigned char, 32>;

sha256_digest hmac_sha256(std::string_view key, std::string_view message);

/// Lowercase hex, as the service writes signatures.
std::string to_hex(std::span<const unsigned char> bytes);

} // namespace didit::detail
