#include "certificate.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace didit::emulator::detail {
namespace {

template <auto Free> struct deleter {
    template <class T> void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string{"emulator certificate: "} + what);
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
    check(ext && X509_add_ext(cert, ext.get(), -1) == 1, "extension");
}

std::string to_pem(auto write) {
    bio_ptr bio{BIO_new(BIO_s_mem())};
    check(bio && write(bio.get()) == 1, "PEM encoding");
    char* data = nullptr;
    auto size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

} // namespace

certificate make_self_signed_certificate(const std::vector<std::string>& hosts) {
    check(!hosts.empty(), "no host names");
    pkey_ptr key{EVP_EC_gen("P-256")};
    check(key != nullptr, "key generation");
    x509_ptr cert{X509_new()};
    check(cert != nullptr, "allocation");
    X509_set_version(cert.get(), 2);
    unsigned char serial_bytes[16];
    check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "serial");
    serial_bytes[0] &= 0x7f;
    auto* serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
    BN_free(serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    auto* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("didit emulator"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(hosts.front().c_str()), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), name);

    std::string alt_names;
    for (const auto& host : hosts) {
        boost::system::error_code ec;
        boost::asio::ip::make_address(host, ec);
        if (!alt_names.empty())
            alt_names.append(",");
        alt_names.append(ec ? "DNS:" : "IP:").append(host);
    }
    // Self-signed and used as its own trust anchor, so it is marked as a CA.
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    add_extension(cert.get(), NID_subject_alt_name, alt_names);
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");

    certificate out;
    out.certificate_pem = to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
    out.private_key_pem = to_pem([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return out;
}

} // namespace didit::emulator::detail
