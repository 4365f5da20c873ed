#pragma once
// TLS set-up: a verifying client context per client, host checks per connection.

#include <didit/config.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>

namespace didit::detail {

/// TLS 1.2+, peer verification against the system CA paths plus config.ca_file/ca_pem.
/// Throws config_error naming the field when extra CAs cannot be loaded.
boost::asio::ssl::context make_client_tls_context(const config& cfg);

/// Sets SNI (for names) and the name or address the peer certificate must match.
boost::system::error_code expect_peer(SSL* ssl, std::string_view host, bool host_is_ip);

/// A short description of why certificate verification failed, or "" if it did not.
std::string_view verification_failure(const SSL* ssl);

} // namespace didit::detail
