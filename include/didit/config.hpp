#pragma once
// Client configuration: a plain aggregate with safe defaults, checked once at construction.

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace didit {

/// Thrown when a configuration value is invalid; the message names the field, never its value
/// when the field is secret.
class config_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Which generation of the API a client talks to.
enum class api_generation {
    v1, ///< seed era: OAuth client-credentials token (client_id + client_secret), /v1/ paths
    v3, ///< current: a static `x-api-key`, /v3/ paths
};

struct config {
    /// OAuth client credentials of the v1 (client-credentials) generation.
    std::string client_id;
    std::string client_secret;

    /// The application's API key. Setting it selects the v3 generation; the client
    /// credentials and auth_url are then unused.
    std::string api_key;

    /// Origins (with an optional path prefix) of the token endpoint and of the API. https only.
    std::string auth_url = "https://apx.didit.me";
    std::string api_url = "https://verification.didit.me";

    /// Extra trusted CA certificates in PEM, added to the system's CA paths: a file, text, or both.
    std::string ca_file;
    std::string ca_pem;

    /// Limits; zero means "no limit".
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds token_timeout{15'000};
    std::chrono::milliseconds request_timeout{30'000};
    /// Idle keep-alive connections are closed after this long.
    std::chrono::milliseconds idle_timeout{30'000};

    /// At most this many connections per origin; further requests wait for one to free up.
    std::size_t max_connections_per_origin = 16;
    /// Responses larger than this fail with error::response_too_large.
    std::size_t max_response_bytes = 4 * 1024 * 1024;
    /// The same for PDF reports, which carry images.
    std::size_t max_pdf_bytes = 64 * 1024 * 1024;

    api_generation generation() const noexcept {
        return api_key.empty() ? api_generation::v1 : api_generation::v3;
    }

    /// Reads DIDIT_API_KEY (selects v3), or else DIDIT_CLIENT_ID and DIDIT_CLIENT_SECRET (v1);
    /// and DIDIT_AUTH_URL, DIDIT_API_URL, DIDIT_CA_FILE (optional). Throws config_error naming
    /// every missing variable.
    static config from_env();

    /// Throws config_error naming the first invalid field.
    void validate() const;
};

} // namespace didit
