#include "platform/network_interfaces.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "platform/socket_address.hpp"

namespace lanspread::platform {
namespace {

unsigned prefix_length(const sockaddr* netmask) {
  if (netmask == nullptr)
    return 0;
  unsigned bits = 0;
  if (netmask->sa_family == AF_INET) {
    sockaddr_in mask{};
    std::memcpy(&mask, netmask, sizeof mask);
    bits = static_cast<unsigned>(std::popcount(mask.sin_addr.s_addr));
  } else if (netmask->sa_family == AF_INET6) {
    sockaddr_in6 mask{};
    std::memcpy(&mask, netmask, sizeof mask);
    for (const auto byte : mask.sin6_addr.s6_addr)
      bits += static_cast<unsigned>(std::popcount(byte));
  }
  return bits;
}

}  // namespace

Result<std::vector<NetworkInterface>> list_network_interfaces() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0)
    return Error{std::string("getifaddrs: ") + std::strerror(errno)};
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> list(raw, freeifaddrs);

  std::vector<NetworkInterface> interfaces;
  for (const ifaddrs* entry = raw; entry != nullptr; entry = entry->ifa_next) {
    auto found = std::find_if(interfaces.begin(), interfaces.end(),
                              [&](const NetworkInterface& i) { return i.name == entry->ifa_name; });
    if (found == interfaces.end()) {
      NetworkInterface interface;
      interface.name = entry->ifa_name;
      interface.index = if_nametoindex(entry->ifa_name);
      interface.up = (entry->ifa_flags & IFF_UP) != 0 && (entry->ifa_flags & IFF_RUNNING) != 0;
      interface.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
      interface.multicast = (entry->ifa_flags & IFF_MULTICAST) != 0;
      interfaces.push_back(std::move(interface));
      found = std::prev(interfaces.end());
    }
    if (const auto address = address_of(entry->ifa_addr))
      found->addresses.push_back({*address, prefix_length(entry->ifa_netmask)});
  }
  return interfaces;
}

}  // namespace lanspread::platform
