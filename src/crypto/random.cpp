#include "crypto/random.hpp"

#include "crypto/hmac.hpp"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace didit::detail {

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error{"OpenSSL's random generator gave no bytes"};
    return to_hex(raw);
}

} // namespace didit::detail
