#pragma once

#include <string>

#include "proto/game.hpp"

namespace lanspread::transport {

// The ALPN names the protocol and its version, so a peer of another version
// fails the TLS handshake at once instead of sending messages we misread.
inline std::string protocol_alpn() {
  return "lanspread/" + std::to_string(proto::kProtocolVersion);
}

}  // namespace lanspread::transport
