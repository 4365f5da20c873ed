#pragma once
// Random identifiers for sessions, tokens and events.

#include <openssl/rand.h>

#include <string>
#include <vector>

namespace didit::emulator::detail {

inline std::string random_hex(std::size_t bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::vector<unsigned char> raw(bytes);
    RAND_bytes(raw.data(), static_cast<int>(raw.size()));
    std::string out;
    for (auto b : raw) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

inline std::string random_uuid() {
    auto hex = random_hex(16);
    hex[12] = '4';
    hex[16] = "89ab"[hex[16] % 4];
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

} // namespace didit::emulator::detail
