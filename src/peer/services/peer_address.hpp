#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lanspread::peer {

// A peer given by address: "host:port", "1.2.3.4:port" or "[v6]:port".
struct PeerAddress {
  std::string host;
  std::uint16_t port = 0;
};

// Nothing when `text` is not of that form (port 1-65535).
std::optional<PeerAddress> parse_peer_address(std::string_view text);

}  // namespace lanspread::peer
