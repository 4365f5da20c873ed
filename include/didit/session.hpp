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

struct session_request {
    /// Where the person is sent after verifying; an absolute http(s) URL.
    std::string callback;
    /// Omitted: the application's console settings apply.
    std::optional<didit::features> features;
    /// Your identifier for the person (typically a UUID); echoed in decisions and webhooks.
    std::string vendor_data;
};

struct session {
    std::string session_id;
    std::string session_token;
    /// Where to send the person to verify.
    std::string url;
};

} // namespace didit
