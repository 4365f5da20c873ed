#pragma once
// The standalone checks of the v3 API (API reference 7): one request type per endpoint, run by
// client::check(), and the result they share. Requests hold views, as the library's other
// request types do: client::check() copies what it sends before it returns, and a braced
// request inside co_await is safe on GCC 12 (see the README's notes).

#include <didit/multipart.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace didit {

/// What every check may carry besides its own fields (API reference 7.0).
struct check_options {
    std::string_view vendor_data{}; ///< your id for the person; empty: not sent
    /// A JSON object as text, stored with the check (inside a form, the text is the field's
    /// value). Empty: not sent. Text that is not a JSON object fails with invalid_request.
    std::string_view metadata{};
    /// false: Didit stores nothing, and request_id only correlates. Unset: the service's
    /// default (true: the check is kept as a session, readable with retrieve_decision()).
    std::optional<bool> save_api_request{};
};

// Image and document checks: multipart/form-data. Files over the reference's limits fail with
// error::invalid_request naming the field, before anything is sent. Unset options are not sent
// (the service's defaults apply).

/// `POST /v3/id-verification/`: an identity document, front and optionally back (without the
/// back, the MRZ and back-side fields are empty). Files up to 5 MB.
struct id_verification_request {
    upload front_image;
    std::optional<upload> back_image{};
    std::string_view front_image_password{}; ///< for an encrypted PDF
    std::string_view back_image_password{};
    std::optional<bool> perform_document_liveness{};
    std::optional<unsigned> minimum_age{};                  ///< 1 to 120
    std::string_view expiration_date_not_detected_action{}; ///< "DECLINE" or "NO_ACTION"
    std::string_view invalid_mrz_action{};
    std::string_view inconsistent_data_action{};
    std::string_view preferred_characters{}; ///< "latin" or "non_latin"
    check_options options{};
};

/// `POST /v3/passive-liveness/`: is the face in the picture a live person? Up to 5 MB.
struct passive_liveness_request {
    upload user_image;
    std::optional<unsigned> face_liveness_score_decline_threshold{}; ///< 0 to 100 (30)
    std::optional<bool> rotate_image{};
    check_options options{};
};

/// `POST /v3/face-match/`: are the two faces the same person? Approved when the score is
/// above the threshold. Up to 5 MB each.
struct face_match_request {
    upload user_image;
    upload ref_image;
    std::optional<unsigned> face_match_score_decline_threshold{}; ///< 0 to 100 (30)
    std::optional<bool> rotate_image{};
    check_options options{};
};

/// `POST /v3/face-search/`: faces like this one among your sessions and lists. Up to 5 MB.
struct face_search_request {
    upload user_image;
    std::string_view search_type{}; ///< "most_similar" (the default) or "blocklisted_or_approved"
    std::optional<bool> rotate_image{};
    check_options options{};
};

/// `POST /v3/age-estimation/`: the person's age from a face. Up to 5 MB.
struct age_estimation_request {
    upload user_image;
    std::optional<unsigned> face_liveness_score_decline_threshold{};
    std::optional<unsigned> age_estimation_decline_threshold{};
    std::optional<bool> rotate_image{};
    check_options options{};
};

/// `POST /v3/poa/`: a proof-of-address document (image, PDF or zip), up to 15 MB. Takes
/// 5 to 30 s: runs under config.check_timeout.
struct proof_of_address_request {
    upload document;
    std::string_view document_password{};
    std::string_view expected_address{};
    std::string_view expected_country{}; ///< ISO 3166 alpha-3
    std::string_view expected_first_name{};
    std::string_view expected_last_name{};
    std::optional<unsigned> poa_document_age_months{};
    std::string_view poa_languages_allowed{}; ///< comma-separated language codes
    check_options options{};
};

/// One value Document AI reads from a document.
struct document_ai_field {
    std::string_view key; ///< ^[a-z0-9_]{1,64}$, the key in extracted_data
    std::string_view name;
    std::string_view instruction{};
    std::string_view type = "text"; ///< "text", "number" or "date"
    bool required = false;
    bool is_full_name = false; ///< at most one field
};

/// `POST /v3/document-ai/`: reads the fields you describe (1 to 30) from a document, up to
/// 30 MB. Runs under config.check_timeout.
struct document_ai_request {
    upload document;
    std::vector<document_ai_field> fields;
    std::string_view expected_first_name{};
    std::string_view expected_last_name{};
    std::string_view expected_company_name{};
    check_options options{};
};

/// `POST /v3/database-validation/` (multipart, as the current reference sends it): the
/// person's identity against government and other registries of `issuing_state`.
struct database_validation_request {
    std::string_view issuing_state;           ///< ISO 3166 alpha-3, required
    std::vector<std::string_view> services{}; ///< catalog ids; empty: the service chooses
    bool consent = false; ///< required by some services; without it they are refused unpaid
    /// The identity fields the country's services read, e.g. {"document_number", "..."},
    /// {"first_name", "..."}, {"date_of_birth", "1990-05-17"}, {"address", "..."}.
    std::vector<std::pair<std::string_view, std::string_view>> identity{};
    std::optional<upload> selfie{}; ///< for biometric services; up to 5 MB
    check_options options{};
};

// JSON checks.

/// `POST /v3/aml/`: sanctions, PEP and adverse-media screening. The client sends an
/// `Idempotency-Key` and keeps it across retries, so the service answers a repeated request
/// from its store and charges once: unlike the other checks, this one is retried after an
/// ambiguous failure. Runs under config.check_timeout (adverse media takes ~30 s).
struct aml_request {
    std::string_view full_name;       ///< required
    std::string_view entity_type{};   ///< "person" (default) or "company"
    std::string_view date_of_birth{}; ///< YYYY-MM-DD
    std::string_view nationality{};   ///< ISO 3166 alpha-2 or alpha-3
    std::string_view document_number{};
    std::optional<unsigned> aml_name_weight{}; ///< the three weights sum to 100 (60/25/15)
    std::optional<unsigned> aml_dob_weight{};
    std::optional<unsigned> aml_country_weight{};
    std::optional<unsigned> aml_match_score_threshold{};   ///< 93
    std::optional<unsigned> aml_score_approve_threshold{}; ///< 80
    std::optional<unsigned> aml_score_review_threshold{};  ///< 100
    std::optional<bool> include_adverse_media{};
    std::optional<bool> include_ongoing_monitoring{};
    check_options options{};
};

/// `POST /v3/email/send/`: sends a one-time code. Not repeated after an ambiguous failure (the
/// person would get two codes).
struct email_send_request {
    std::string_view email;
    std::optional<unsigned> code_size{}; ///< 4 to 8 (6)
    std::optional<bool> alphanumeric_code{};
    std::string_view locale{};
    std::string_view ip{}; ///< signals about the person's device, for fraud checks
    std::string_view device_id{};
    std::string_view user_agent{};
    std::string_view vendor_data{};
};

/// `POST /v3/email/check/`: the code the person typed. Three tries: two wrong ones are
/// `Failed`, the third `Declined`.
struct email_check_request {
    std::string_view email;
    std::string_view code;
    std::string_view duplicated_email_action{}; ///< "NO_ACTION" or "DECLINE"
    std::string_view breached_email_action{};
    std::string_view disposable_email_action{};
    std::string_view undeliverable_email_action{};
};

/// `POST /v3/phone/send/`: sends a one-time code; falls back to SMS.
struct phone_send_request {
    std::string_view phone_number; ///< E.164, e.g. "+34600000001"
    std::optional<unsigned> code_size{};
    std::string_view locale{};
    std::string_view preferred_channel{}; ///< "whatsapp" (default), "sms", "telegram", "voice", ...
    std::string_view ip{};
    std::string_view device_id{};
    std::string_view user_agent{};
    std::string_view vendor_data{};
};

/// `POST /v3/phone/check/`: the code the person typed.
struct phone_check_request {
    std::string_view phone_number;
    std::string_view code;
    std::string_view duplicated_phone_number_action{}; ///< "NO_ACTION" or "DECLINE"
    std::string_view disposable_number_action{};
    std::string_view voip_number_action{};
    std::optional<bool> enable_enrichment{}; ///< extra charge
};

/// A check's verdict, in any of the shapes Didit's pages document (API reference 7).
enum class check_status {
    approved,
    declined,
    in_review,
    not_finished,
    success,              ///< a code was sent
    retry,                ///< a code could not be sent yet: try again later
    undeliverable,        ///< the address cannot receive codes (not billed)
    blocked,              ///< the number is blocked
    failed,               ///< a wrong code; tries are left
    expired_or_not_found, ///< no code is pending for the address
    unknown,              ///< a status no page documents: see status_text
};

/// Something a check noticed (API reference 7.0).
struct check_warning {
    std::string risk;     ///< e.g. "LOW_FACE_MATCH_SIMILARITY"
    std::string log_type; ///< "error", "warning" or "information"
    std::string short_description;
    std::string long_description;
    std::string feature;
};

/// What a check answered. The typed fields are those the reference names; `feature` and `body`
/// hold the rest as the service sent it.
struct check_result {
    std::string request_id;
    check_status status = check_status::unknown;
    std::string status_text;       ///< as the service wrote it, e.g. "In Review"
    std::optional<double> score{}; ///< liveness, face match, age, AML; absent or null: none
    std::vector<check_warning> warnings{};
    /// The check's own object (`face_match`, `aml`, `database_validation`, ...); for e-mail
    /// and phone codes, which answer at the top level, the whole body.
    boost::json::value feature{};
    boost::json::value body{};            ///< the whole answer
    std::optional<double> age{};          ///< age estimation
    std::optional<std::uint64_t> total{}; ///< face search: total_matches; AML: total_hits
    std::string document_type{};          ///< ID verification, proof of address
    std::string match_type{};             ///< database validation: full_match, ...
    std::string message{}; ///< e-mail and phone: `reason` (send) or `message` (check)
};

} // namespace didit
