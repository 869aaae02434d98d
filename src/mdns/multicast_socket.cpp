#include "mdns/multicast_socket.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <system_error>

namespace lanspread::mdns {
namespace {

void set_option(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0)
    throw std::system_error(errno, std::generic_category(), what);
}

ip_mreqn membership(const LinkInterface& link) {
  ip_mreqn request{};
  request.imr_multiaddr.s_addr = htonl(kMdnsGroupV4.to_uint());
  request.imr_address.s_addr = htonl(link.address.to_uint());
  request.imr_ifindex = static_cast<int>(link.index);
  return request;
}

}  // namespace

MulticastSocket::MulticastSocket(asio::io_context& io) : socket_(io) {
  socket_.open(asio::ip::udp::v4());
  const int fd = socket_.native_handle();
  set_option(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  set_option(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
  set_option(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
  set_option(fd, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL");
  set_option(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL");
  set_option(fd, IPPROTO_IP, IP_TTL, 255, "IP_TTL");
  // Other instances on this host (a second app, avahi) must see our packets;
  // our own echoes are recognised and dropped by the engine.
  set_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 1, "IP_MULTICAST_LOOP");
  socket_.bind({asio::ip::address_v4::any(), kMdnsPort});
  socket_.non_blocking(true);
}

bool MulticastSocket::join(const LinkInterface& link) {
  const auto request = membership(link);
  if (setsockopt(socket_.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &request,
                 sizeof request) != 0 &&
      errno != EADDRINUSE) {
    spdlog::warn("mdns: cannot join the mDNS group on {}: {}", link.name, std::strerror(errno));
    return false;
  }
  return true;
}

void MulticastSocket::leave(const LinkInterface& link) {
  const auto request = membership(link);
  // Fails harmlessly when the interface is already gone.
  setsockopt(socket_.native_handle(), IPPROTO_IP, IP_DROP_MEMBERSHIP, &request, sizeof request);
}

void MulticastSocket::send(const LinkInterface& link, std::span<const std::uint8_t> bytes,
                           const asio::ip::udp::endpoint& destination) {
  if (!socket_.is_open())
    return;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(destination.port());
  to.sin_addr.s_addr = htonl(destination.address().to_v4().to_uint());
  iovec data{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
  msghdr message{};
  message.msg_name = &to;
  message.msg_namelen = sizeof to;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = IPPROTO_IP;
  header->cmsg_type = IP_PKTINFO;
  header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_ifindex = static_cast<int>(link.index);
  info.ipi_spec_dst.s_addr = htonl(link.address.to_uint());
  std::memcpy(CMSG_DATA(header), &info, sizeof info);
  if (sendmsg(socket_.native_handle(), &message, MSG_DONTWAIT) < 0) {
    spdlog::debug("mdns: send on {} failed: {}", link.name, std::strerror(errno));
  }
}

void MulticastSocket::start_receiving(std::function<void(const IncomingPacket&)> handler) {
  handler_ = std::move(handler);
  wait_readable();
}

void MulticastSocket::wait_readable() {
  socket_.async_wait(asio::socket_base::wait_read, [this](const std::error_code& error) {
    if (error)
      return;  // closed
    drain();
    wait_readable();
  });
}

void MulticastSocket::drain() {
  // 9000 bytes: the largest mDNS packet RFC 6762 §17 allows.
  std::array<std::uint8_t, 9000> buffer{};
  for (int budget = 64; budget > 0 && socket_.is_open(); --budget) {
    sockaddr_in from{};
    iovec data{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<char, 128> control{};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const ssize_t received = recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
    if (received < 0)
      return;
    IncomingPacket packet;
    packet.hop_limit = -1;
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
      if (header->cmsg_level != IPPROTO_IP)
        continue;
      if (header->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(header), sizeof info);
        packet.interface_index = static_cast<unsigned>(info.ipi_ifindex);
      } else if (header->cmsg_type == IP_TTL) {
        std::memcpy(&packet.hop_limit, CMSG_DATA(header), sizeof packet.hop_limit);
      }
    }
    if ((message.msg_flags & MSG_TRUNC) != 0 || packet.interface_index == 0)
      continue;
    packet.source = {asio::ip::address_v4(ntohl(from.sin_addr.s_addr)), ntohs(from.sin_port)};
    packet.bytes = std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(received));
    handler_(packet);
  }
}

void MulticastSocket::close() {
  std::error_code ignored;
  socket_.close(ignored);
}

}  // namespace lanspread::mdns
