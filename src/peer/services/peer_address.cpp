#include "peer/services/peer_address.hpp"

#include <charconv>

namespace lanspread::peer {

std::optional<PeerAddress> parse_peer_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  auto host = text.substr(0, colon);
  const auto port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    // An IPv6 address needs brackets, or its last group reads as the port.
    return std::nullopt;
  }
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    return std::nullopt;
  return PeerAddress{.host = std::string(host), .port = static_cast<std::uint16_t>(port)};
}

}  // namespace lanspread::peer
