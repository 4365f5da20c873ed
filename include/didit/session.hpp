#pragma once
// Verification sessions of the v1 API: what a caller asks for and what it gets back.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// Which device performs the redirect to the callback (v3).
enum class callback_method { initiator, completer, both };

/// Prefill and notification settings (v3).
struct contact_details {
    std::string_view email{};
    std::optional<bool> send_notification_emails{};
    std::string_view email_lang{};
    std::string_view phone{}; ///< E.164
};

/// What the person is expected to prove; mismatches raise warnings (v3). Empty: not sent.
struct expected_details {
    std::string_view first_name{};
    std::string_view last_name{};
    std::string_view date_of_birth{}; ///< YYYY-MM-DD
    std::string_view gender{};        ///< "M" or "F"
    std::string_view nationality{};   ///< ISO 3166 alpha-3
    std::string_view id_country{};
    std::string_view poa_country{};
    std::string_view address{};
    std::string_view identification_number{};
    std::string_view ip_address{};
    std::vector<std::string_view> expected_document_types{}; ///< e.g. {"P", "ID"}
};

/// A v3 session: the workflow (from the Console) decides the verification steps. Views, as in
/// session_request: copied before create_session returns.
struct workflow_session_request {
    std::string_view workflow_id{}; ///< required
    std::string_view vendor_data{};
    std::string_view callback{}; ///< absolute http(s) URL, or empty
    std::optional<didit::callback_method> callback_method{};
    std::string_view metadata{}; ///< a JSON object as text, echoed in decisions and webhooks
    std::string_view language{}; ///< ISO 639-1 code such as "en" or "pt-BR"
    std::optional<didit::contact_details> contact_details{};
    std::optional<didit::expected_details> expected_details{};
    std::string_view portrait_image{}; ///< base64, at most 1 MB decoded
};

struct session {
    std::string session_id;
    std::string session_token;
    /// Where to send the person to verify.
    std::string url;
    /// v3 only (v1 responses do not carry them); empty or null when the service left them out.
    std::optional<std::int64_t> session_number;
    std::string status;
    std::string workflow_id;
    std::optional<std::int64_t> workflow_version;
    std::string vendor_data;
    std::string callback;
    boost::json::value metadata; ///< the JSON object sent, as the service echoes it
    std::string session_kind;    ///< "user" (KYC) or "business" (KYB)
};

} // namespace didit
