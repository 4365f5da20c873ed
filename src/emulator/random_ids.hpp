#pragma once
// Random identifiers for sessions, tokens and events.

#include "crypto/random.hpp"

#include <string>

namespace didit::emulator::detail {

using didit::detail::random_hex;

inline std::string random_uuid() {
    auto hex = random_hex(16);
    hex[12] = '4';
    hex[16] = "89ab"[hex[16] % 4];
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

} // namespace didit::emulator::detail
