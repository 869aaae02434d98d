#pragma once

#include <system_error>

namespace lanspread::transport {

enum class TransportError {
  ConnectionClosed = 1,  // closed by either side
  IdleTimeout,           // the peer stopped answering
  StreamReset,           // the peer abandoned the stream
  HandshakeFailed,       // TLS or QUIC refused the connection
  IdentityMismatch,      // the peer's key is not the one pinned for it
  TooLarge,              // more bytes than the reader allowed
  EndpointClosed,
};

const std::error_category& transport_category();

inline std::error_code make_error_code(TransportError e) {
  return {static_cast<int>(e), transport_category()};
}

}  // namespace lanspread::transport

template <>
struct std::is_error_code_enum<lanspread::transport::TransportError> : std::true_type {};
