#pragma once

#include <gnutls/gnutls.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace lanspread::transport {

struct Identity;

// The certificate credentials of this install's identity, shared by every
// connection of an endpoint.
class TlsCredentials {
 public:
  explicit TlsCredentials(const Identity& identity);
  ~TlsCredentials();
  TlsCredentials(const TlsCredentials&) = delete;
  TlsCredentials& operator=(const TlsCredentials&) = delete;

  gnutls_certificate_credentials_t get() const { return credentials_; }

 private:
  gnutls_certificate_credentials_t credentials_ = nullptr;
};

// Creates a TLS 1.3 session for QUIC in the given role. Both sides present a
// certificate (peers authenticate each other), and `verify` is called with
// the session once the peer's certificate arrived: it returns 0 to accept.
// Throws std::runtime_error on failure.
gnutls_session_t make_tls_session(bool server, const TlsCredentials& credentials,
                                  const std::string& alpn, void* session_ptr,
                                  gnutls_certificate_verify_function* verify);

// The DER bytes of the peer's certificate, empty when it sent none.
std::string peer_certificate_der(gnutls_session_t session);

// `size` bytes from the session's exporter (RFC 8446 section 7.5): both ends
// of this TLS session derive the same bytes for a label and context, and
// nobody else can. Throws std::runtime_error before the handshake is done.
std::string export_keying_material(gnutls_session_t session, std::string_view label,
                                   std::string_view context, std::size_t size);

}  // namespace lanspread::transport
