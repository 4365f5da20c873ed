// Webhook verification with hostile bodies and header values. Input: the four header values
// and the body, separated by newlines. When the first byte is odd, the harness signs the body
// correctly (X-Signature over its bytes), so that the payload reader behind the signature
// check is reached too.
#include "crypto/hmac.hpp"

#include <didit/webhook.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    constexpr std::string_view secret = "fuzz-webhook-key";
    bool sign_it = data[0] & 1;
    bool allow_simple = data[0] & 2;
    std::string_view rest{reinterpret_cast<const char*>(data + 1), size - 1};
    std::array<std::string_view, 4> fields{};
    for (auto& field : fields) {
        auto end = rest.find('\n');
        field = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    auto body = rest;
    std::string signature;
    if (sign_it)
        signature = didit::detail::to_hex(didit::detail::hmac_sha256(secret, body));
    didit::webhook_headers headers{.signature = sign_it ? std::string_view{signature} : fields[0],
                                   .signature_v2 = fields[1],
                                   .signature_simple = fields[2],
                                   .timestamp = fields[3]};
    didit::diagnostics diag;
    auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1774970000}};
    auto event = didit::verify_webhook(body, headers, secret, now, diag,
                                       {.allow_simple = allow_simple, .max_body_bytes = 64 * 1024});
    if (diag.message.find(secret) != std::string::npos)
        __builtin_trap();
    if (event && event->session_id.empty())
        __builtin_trap(); // session_id is required
    return 0;
}
