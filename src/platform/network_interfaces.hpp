#pragma once

#include <asio/ip/address.hpp>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace lanspread::platform {

struct InterfaceAddress {
  asio::ip::address address;
  unsigned prefix_length = 0;
  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

struct NetworkInterface {
  std::string name;
  unsigned index = 0;
  bool up = false;  // administratively up and running
  bool loopback = false;
  bool multicast = false;
  std::vector<InterfaceAddress> addresses;  // IPv4 and IPv6, in the OS's order
  friend bool operator==(const NetworkInterface&, const NetworkInterface&) = default;
};

// A snapshot of the host's interfaces (getifaddrs on POSIX); an error when
// the OS refuses.
Result<std::vector<NetworkInterface>> list_network_interfaces();

}  // namespace lanspread::platform
