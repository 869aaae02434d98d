#pragma once

#include <gnutls/gnutls.h>
#include <ngtcp2/ngtcp2.h>

#include <cstddef>
#include <cstdint>

namespace lanspread::transport {

// ngtcp2's callbacks for a client or a server connection; each forwards to
// the ConnectionCore in the connection's user data.
ngtcp2_callbacks connection_callbacks(bool server);

// GnuTLS's check of the peer's certificate, forwarded to the ConnectionCore
// behind the session's ngtcp2_crypto_conn_ref.
int verify_peer_certificate(gnutls_session_t session);

// Cryptographically random bytes (connection IDs, ngtcp2's own needs).
void random_bytes(std::uint8_t* dest, std::size_t length);

}  // namespace lanspread::transport
