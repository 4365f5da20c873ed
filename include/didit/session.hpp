#pragma once
// Verification sessions of the v1 API: what a caller asks for and what it gets back.

#include <optional>
#include <string>
#include <string_view>

namespace didit {

/// The verification steps of a v1 session: exactly the eight combinations the API accepts.
enum class features {
    ocr,
    ocr_nfc,
    ocr_aml,
    ocr_nfc_aml,
    ocr_face,
    ocr_nfc_face,
    ocr_face_aml,
    ocr_nfc_face_aml,
};

/// The API's spelling, e.g. "OCR + NFC + FACE".
std::string_view to_string(features f) noexcept;
/// The inverse of to_string; nullopt for any other text.
std::optional<features> parse_features(std::string_view text) noexcept;

/// What to create. The strings are views: create_session copies what it needs before it
/// returns, so they only have to outlive the call, not the operation. (Views also keep
/// `co_await client.create_session({...})` safe from a GCC 12 bug that corrupts braced
/// temporaries holding short std::strings inside co_await expressions.)
struct session_request {
    /// Where the person is sent after verifying; an absolute http(s) URL.
    std::string_view callback{};
    /// Omitted: the application's console settings apply.
    std::optional<didit::features> features{};
    /// Your identifier for the person (typically a UUID); echoed in decisions and webhooks.
    std::string_view vendor_data{};
};

struct session {
    std::string session_id;
    std::string session_token;
    /// Where to send the person to verify.
    std::string url;
};

} // namespace didit
