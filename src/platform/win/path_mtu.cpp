#include "platform/path_mtu.hpp"

#include <cstring>

#include "platform/win/adapter_list.hpp"

namespace lanspread::platform {
namespace {

// IP_MTU on a connected socket, as on Linux (Windows 10 1703 and later).
std::optional<std::size_t> socket_route_mtu(const asio::ip::udp::endpoint& remote) {
  const bool v6 = remote.address().is_v6();
  const SOCKET socket = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  if (socket == INVALID_SOCKET)
    return std::nullopt;
  std::optional<std::size_t> mtu;
  // A connected UDP socket sends nothing; connecting only looks up the route.
  if (::connect(socket, remote.data(), static_cast<int>(remote.size())) == 0) {
    DWORD value = 0;
    int length = sizeof value;
    const int got =
        v6 ? ::getsockopt(socket, IPPROTO_IPV6, IPV6_MTU, reinterpret_cast<char*>(&value), &length)
           : ::getsockopt(socket, IPPROTO_IP, IP_MTU, reinterpret_cast<char*>(&value), &length);
    if (got == 0 && value > 0)
      mtu = value;
  }
  ::closesocket(socket);
  return mtu;
}

// The MTU of the interface the route to `remote` leaves by, for systems
// that do not answer IP_MTU (Windows before 10 1703, wine). A loopback
// destination takes the loopback interface's: it never leaves the host, and
// wine's route lookup names the default route's interface for it.
std::optional<std::size_t> interface_route_mtu(const asio::ip::udp::endpoint& remote) {
  const bool loopback = remote.address().is_loopback();
  const bool v6 = remote.address().is_v6();
  DWORD index = 0;
  if (!loopback) {
    sockaddr_storage destination{};
    std::memcpy(&destination, remote.data(), remote.size());
    if (::GetBestInterfaceEx(reinterpret_cast<sockaddr*>(&destination), &index) != NO_ERROR)
      return std::nullopt;
  }
  constexpr ULONG kFlags = GAA_FLAG_SKIP_UNICAST | GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
                           GAA_FLAG_SKIP_DNS_SERVER;
  const auto adapters = win::AdapterList::fetch(kFlags);
  if (!adapters)
    return std::nullopt;
  for (const auto* adapter = adapters->first(); adapter != nullptr; adapter = adapter->Next) {
    const bool route = loopback ? adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK
                                : (v6 ? adapter->Ipv6IfIndex : adapter->IfIndex) == index;
    if (route && adapter->Mtu > 0)
      return adapter->Mtu;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> route_mtu(const asio::ip::udp::endpoint& remote) {
  if (auto mtu = socket_route_mtu(remote))
    return mtu;
  return interface_route_mtu(remote);
}

}  // namespace lanspread::platform
