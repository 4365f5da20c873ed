#pragma once
// A fresh self-signed certificate for the emulator, so nothing secret is committed.

#include <string>
#include <vector>

namespace didit::emulator::detail {

struct certificate {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// An ECDSA P-256 certificate valid for `hosts` (DNS names or IP addresses) for 30 days.
/// Throws std::runtime_error if OpenSSL fails.
certificate make_self_signed_certificate(const std::vector<std::string>& hosts);

} // namespace didit::emulator::detail
