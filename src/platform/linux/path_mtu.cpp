#include "platform/path_mtu.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

std::optional<std::size_t> route_mtu(const asio::ip::udp::endpoint& remote) {
  const bool v6 = remote.address().is_v6();
  // A connected UDP socket sends nothing; connecting only looks up the route.
  const UniqueFd socket(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!socket)
    return std::nullopt;
  const int fd = socket.get();
  std::optional<std::size_t> mtu;
  if (::connect(fd, remote.data(), static_cast<socklen_t>(remote.size())) == 0) {
    int value = 0;
    socklen_t length = sizeof value;
    const int got = v6 ? ::getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &value, &length)
                       : ::getsockopt(fd, IPPROTO_IP, IP_MTU, &value, &length);
    if (got == 0 && value > 0)
      mtu = static_cast<std::size_t>(value);
  }
  return mtu;
}

}  // namespace lanspread::platform
