#pragma once
// What Didit decided about a session: the typed decision of either generation, with the
// service's own JSON kept on every object for the fields this library does not type.

#include <didit/config.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace didit {

/// A value from a set the service extends over time: `value` is `E::other` when this library
/// does not know the text, and `text` always keeps what the service sent.
template <class E> struct open_enum {
    E value = E::other;
    std::string text;

    friend bool operator==(const open_enum& a, E b) noexcept { return a.value == b; }
};

/// Session status (4.1). Parsing accepts the display form ("In Review") and the enum form
/// ("IN_REVIEW").
enum class session_status {
    not_started,
    in_progress,
    in_review,
    approved,
    declined,
    abandoned,
    expired,
    kyc_expired,
    resubmitted,
    awaiting_user,
    other,
};

/// Status of one verification step.
enum class feature_status {
    approved,
    declined,
    in_review,
    not_finished,
    not_started,
    resub_requested,
    expired,
    rejected,
    other,
};

enum class document_type { passport, identity_card, drivers_license, residence_permit, other };
enum class liveness_method { active_3d, flashing, passive, other };
enum class warning_level { information, warning, error, other };
enum class entity_type { person, company, other };

/// The service's display spelling ("In Review", "Driver's License", "ACTIVE_3D", ...); "" for
/// `other`.
std::string_view to_string(session_status value) noexcept;
std::string_view to_string(feature_status value) noexcept;
std::string_view to_string(document_type value) noexcept;
std::string_view to_string(liveness_method value) noexcept;
std::string_view to_string(warning_level value) noexcept;
std::string_view to_string(entity_type value) noexcept;

/// Case-insensitive, '_' matching ' ': "IN_REVIEW", "In Review" and "in review" are the same.
open_enum<session_status> parse_session_status(std::string_view text);
open_enum<feature_status> parse_feature_status(std::string_view text);

/// Every decision object keeps the JSON it was read from in `raw`, for fields not typed here.

struct risk_warning {
    std::optional<std::string> feature;
    std::optional<std::string> risk; ///< a code such as "LOW_FACE_MATCH_SIMILARITY"
    std::optional<open_enum<warning_level>> log_type;
    std::optional<std::string> short_description;
    std::optional<std::string> long_description;
    std::optional<std::string> node_id;
    boost::json::value additional_data; ///< null when none
    boost::json::value raw;
};

struct review {
    std::optional<std::string> user; ///< the reviewer's email
    std::optional<open_enum<session_status>> new_status;
    std::optional<std::string> comment;
    std::optional<std::string> created_at;
    boost::json::value raw;
};

/// Identity document (v3 `id_verifications[]`; v1 `kyc`).
struct id_verification {
    std::optional<std::string> node_id; ///< v3
    open_enum<feature_status> status;
    std::optional<std::string> ocr_status;       ///< v1
    std::optional<std::string> epassport_status; ///< v1
    std::optional<bool> is_nfc_verified;         ///< v1
    std::optional<open_enum<didit::document_type>> document_type;
    std::optional<std::string> document_subtype;
    std::optional<std::string> document_number;
    std::optional<std::string> personal_number;
    std::optional<std::string> portrait_image; ///< media URLs expire; fetch them promptly
    std::optional<std::string> front_image;
    std::optional<std::string> back_image;
    std::optional<std::string> full_front_image;
    std::optional<std::string> full_back_image;
    std::optional<std::string> date_of_birth; ///< YYYY-MM-DD
    std::optional<std::int64_t> age;
    std::optional<std::string> expiration_date;
    std::optional<std::string> date_of_issue;
    std::optional<std::string> issuing_state; ///< ISO 3166 alpha-3
    std::optional<std::string> issuing_state_name;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> full_name;
    std::optional<std::string> gender; ///< "M", "F" or "U"
    std::optional<std::string> address;
    std::optional<std::string> formatted_address;
    std::optional<std::string> place_of_birth;
    std::optional<std::string> marital_status;
    std::optional<std::string> nationality;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

struct nfc_verification {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<std::string> portrait_image;
    std::optional<std::string> signature_image;
    std::optional<std::string> document_number;    ///< from chip_data
    std::optional<std::string> first_name;         ///< from chip_data
    std::optional<std::string> last_name;          ///< from chip_data
    std::optional<std::string> expiration_date;    ///< from chip_data
    std::optional<bool> sod_integrity;             ///< from authenticity
    std::optional<bool> dg_integrity;              ///< from authenticity
    std::optional<std::string> certificate_issuer; ///< from certificate_summary
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

struct liveness_check {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<open_enum<liveness_method>> method;
    std::optional<double> score; ///< 0-100
    std::optional<std::string> reference_image;
    std::optional<std::string> video_url;
    std::optional<double> age_estimation;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

struct face_match {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<double> score; ///< 0-100
    std::optional<std::string> source_image_session_id;
    std::optional<std::string> source_image;
    std::optional<std::string> target_image;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

struct aml_hit {
    std::optional<std::string> id;
    std::optional<std::string> url;
    std::optional<bool> match;
    std::optional<double> score; ///< 0-1
    std::optional<std::string> caption;
    std::vector<std::string> datasets;
    std::optional<std::string> first_seen;
    std::optional<std::string> last_seen;
    boost::json::value raw;
};

struct aml_screening {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<std::int64_t> total_hits;
    std::optional<double> score; ///< 0-100, the highest risk among hits not marked false
    std::optional<open_enum<didit::entity_type>> entity_type;
    std::vector<aml_hit> hits;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

/// Network and device (v3 `ip_analyses[]`; v1 `location`).
struct ip_analysis {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<std::string> ip_address;
    std::optional<std::string> ip_country;
    std::optional<std::string> ip_country_code;
    std::optional<std::string> ip_state;
    std::optional<std::string> ip_city;
    std::optional<double> latitude;
    std::optional<double> longitude;
    std::optional<std::string> isp;
    std::optional<std::string> organization;
    std::optional<bool> is_vpn_or_tor;
    std::optional<bool> is_data_center;
    std::optional<std::string> time_zone;
    std::optional<std::string> device_brand;
    std::optional<std::string> device_model;
    std::optional<std::string> browser_family;
    std::optional<std::string> os_family;
    std::optional<std::string> platform;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

/// Phone, email and proof-of-address checks share this shape; `value` is the phone number
/// (`full_number`) or the email address; `raw` has the rest.
struct contact_check {
    std::optional<std::string> node_id;
    open_enum<feature_status> status;
    std::optional<std::string> value;
    std::vector<risk_warning> warnings;
    boost::json::value raw;
};

/// v1's `face`: liveness and face match in one object.
struct v1_face {
    open_enum<feature_status> status;
    std::optional<open_enum<feature_status>> face_match_status;
    std::optional<open_enum<feature_status>> liveness_status;
    std::optional<double> face_match_similarity;
    std::optional<double> liveness_confidence;
    std::optional<std::string> source_image;
    std::optional<std::string> target_image;
    std::optional<std::string> video_url;
    std::optional<double> age_estimation;
    boost::json::value raw;
};

/// `GET .../decision/`: the data produced so far. Fields of the other generation stay empty.
struct decision {
    api_generation generation = api_generation::v3;
    std::string session_id;
    open_enum<session_status> status;
    std::optional<std::int64_t> session_number;
    std::optional<std::string> session_url;
    std::optional<std::string> vendor_data;
    std::optional<std::string> callback;
    std::optional<std::string> created_at;
    std::vector<risk_warning> warnings; ///< v1 top level; v3 warnings sit on each check
    std::vector<review> reviews;

    // v3: each check ran once per workflow node; empty until it ran.
    std::optional<std::string> session_kind;
    std::optional<std::string> workflow_id;
    std::vector<std::string> features; ///< "ID_VERIFICATION", "LIVENESS", ...
    boost::json::value metadata;       ///< null when not set
    std::vector<id_verification> id_verifications;
    std::vector<nfc_verification> nfc_verifications;
    std::vector<liveness_check> liveness_checks;
    std::vector<face_match> face_matches;
    std::vector<aml_screening> aml_screenings;
    std::vector<ip_analysis> ip_analyses;
    std::vector<contact_check> phone_verifications;
    std::vector<contact_check> email_verifications;
    std::vector<contact_check> poa_verifications;

    // v1: one object per feature, absent when the session's features lack it.
    std::optional<std::string> v1_features; ///< e.g. "OCR + FACE"
    std::optional<id_verification> kyc;
    std::optional<aml_screening> aml;
    std::optional<v1_face> face;
    std::optional<ip_analysis> location;

    boost::json::value raw;
};

} // namespace didit
