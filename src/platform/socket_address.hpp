#pragma once

#include <asio/ip/udp.hpp>
#include <cstring>
#include <optional>

namespace lanspread::platform {

// The IPv4 or IPv6 address (with its scope) a sockaddr holds; nothing for
// another family. Read through an asio endpoint, whose storage is a sockaddr
// on every system.
inline std::optional<asio::ip::address> address_of(const sockaddr* address) {
  if (address == nullptr)
    return std::nullopt;
  asio::ip::udp::endpoint endpoint;
  if (address->sa_family == AF_INET)
    std::memcpy(endpoint.data(), address, sizeof(sockaddr_in));
  else if (address->sa_family == AF_INET6)
    std::memcpy(endpoint.data(), address, sizeof(sockaddr_in6));
  else
    return std::nullopt;
  return endpoint.address();
}

}  // namespace lanspread::platform
