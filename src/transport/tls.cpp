#include "transport/tls.hpp"

#include "transport/tls_session_cache.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <string>

namespace didit::detail {

namespace ssl = boost::asio::ssl;

namespace {

// What the client offers, cut to what a modern service uses. OpenSSL 3.0's defaults add
// finite-field groups, CBC and RSA-key-exchange suites and SHA-1 signatures, and it pays for
// every entry in every ClientHello (about 60,000 instructions per new connection, 2.4 % of a
// resumed one). X25519 first: its key share is the one sent.
constexpr const char* groups = "X25519:P-256:P-384";
constexpr const char* tls12_suites = // TLS 1.3's own suites stay OpenSSL's (all AEAD)
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* signature_schemes =
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:"
    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
    "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:"
    "RSA+SHA256:RSA+SHA384:RSA+SHA512";

void offer_only_modern_algorithms(SSL_CTX* ctx) {
    if (SSL_CTX_set1_groups_list(ctx, groups) != 1 ||
        SSL_CTX_set_cipher_list(ctx, tls12_suites) != 1 ||
        SSL_CTX_set1_sigalgs_list(ctx, signature_schemes) != 1)
        throw std::runtime_error("didit: this OpenSSL lacks X25519, AES-GCM or ECDSA/RSA-PSS");
}

} // namespace

ssl::context make_client_tls_context(const config& cfg) {
    ssl::context ctx{ssl::context::tls_client};
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    // A TLS 1.2 server asking to renegotiate mid-response is refused: nothing we talk to needs
    // it, and it has been the way into more than one attack.
    SSL_CTX_set_options(ctx.native_handle(), SSL_OP_NO_RENEGOTIATION);
    ctx.set_default_verify_paths();
    boost::system::error_code ec;
    if (!cfg.ca_file.empty()) {
        ctx.load_verify_file(cfg.ca_file, ec);
        if (ec)
            throw config_error("didit::config: ca_file holds no usable PEM certificate: " +
                               cfg.ca_file);
    }
    if (!cfg.ca_pem.empty()) {
        ctx.add_certificate_authority(boost::asio::buffer(cfg.ca_pem), ec);
        if (ec)
            throw config_error("didit::config: ca_pem holds no usable PEM certificate");
    }
    ctx.set_verify_mode(ssl::verify_peer);
    // New connections resume their origin's last session (each pool keeps its own). OpenSSL's
    // record buffers are kept while a connection is busy and given back once it has been idle
    // for config::idle_buffer_release (connection::release_buffers), not after every record
    // (SSL_MODE_RELEASE_BUFFERS).
    tls_session_cache::enable(ctx.native_handle());
    offer_only_modern_algorithms(ctx.native_handle());
    return ctx;
}

boost::system::error_code expect_peer(SSL* ssl, std::string_view host, bool host_is_ip) {
    std::string name{host};
    if (host_is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) != 1)
            return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
        return {};
    }
    if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1 || SSL_set1_host(ssl, name.c_str()) != 1)
        return {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return {};
}

std::string_view verification_failure(const SSL* ssl) {
    auto result = SSL_get_verify_result(ssl);
    return result == X509_V_OK ? std::string_view{} : X509_verify_cert_error_string(result);
}

} // namespace didit::detail
