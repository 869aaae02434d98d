#include "transport/tls.hpp"

#include <ngtcp2/ngtcp2_crypto_gnutls.h>

#include <stdexcept>

#include "transport/identity.hpp"

namespace lanspread::transport {
namespace {

// TLS 1.3 only, as QUIC requires; no middlebox compatibility mode.
constexpr const char* kPriority =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:"
    "-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:%DISABLE_TLS13_COMPAT_MODE";

void check(int rv, const char* what) {
  if (rv < 0)
    throw std::runtime_error(std::string(what) + ": " + gnutls_strerror(rv));
}

gnutls_datum_t datum_of(const std::string& text) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(text.data())),
          static_cast<unsigned>(text.size())};
}

}  // namespace

TlsCredentials::TlsCredentials(const Identity& identity) {
  check(gnutls_certificate_allocate_credentials(&credentials_), "allocating TLS credentials");
  const auto certificate = datum_of(identity.certificate_pem);
  const auto key = datum_of(identity.private_key_pem);
  const int rv =
      gnutls_certificate_set_x509_key_mem(credentials_, &certificate, &key, GNUTLS_X509_FMT_PEM);
  if (rv < 0) {
    gnutls_certificate_free_credentials(credentials_);
    check(rv, "loading the identity into TLS");
  }
}

TlsCredentials::~TlsCredentials() {
  gnutls_certificate_free_credentials(credentials_);
}

gnutls_session_t make_tls_session(bool server, const TlsCredentials& credentials,
                                  const std::string& alpn, void* session_ptr,
                                  gnutls_certificate_verify_function* verify) {
  gnutls_session_t session = nullptr;
  check(
      gnutls_init(&session, (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_END_OF_EARLY_DATA),
      "gnutls_init");
  try {
    check(server ? ngtcp2_crypto_gnutls_configure_server_session(session)
                 : ngtcp2_crypto_gnutls_configure_client_session(session),
          "configuring TLS for QUIC");
    check(gnutls_priority_set_direct(session, kPriority, nullptr), "TLS priorities");
    check(gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, credentials.get()),
          "TLS credentials");
    if (server)
      gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_function(session, verify);
    const auto protocol = datum_of(alpn);
    // The server refuses clients that offer no matching protocol version.
    check(gnutls_alpn_set_protocols(session, &protocol, 1, server ? GNUTLS_ALPN_MANDATORY : 0),
          "ALPN");
    gnutls_session_set_ptr(session, session_ptr);
  } catch (...) {
    gnutls_deinit(session);
    throw;
  }
  return session;
}

std::string peer_certificate_der(gnutls_session_t session) {
  unsigned count = 0;
  const gnutls_datum_t* certificates = gnutls_certificate_get_peers(session, &count);
  if (certificates == nullptr || count == 0)
    return {};
  return {reinterpret_cast<const char*>(certificates[0].data), certificates[0].size};
}

std::string export_keying_material(gnutls_session_t session, std::string_view label,
                                   std::string_view context, std::size_t size) {
  std::string out(size, '\0');
  check(gnutls_prf_rfc5705(session, label.size(), label.data(), context.size(), context.data(),
                           size, out.data()),
        "exporting keying material");
  return out;
}

}  // namespace lanspread::transport
