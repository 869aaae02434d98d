#include "platform/multicast_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace lanspread::platform {
namespace {

std::error_code last_error() {
  return {errno, std::system_category()};
}

std::error_code set_option(int fd, int level, int name, int value) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0)
    return last_error();
  return {};
}

struct Option {
  int level;
  int name;
  int value;
};

constexpr std::array<Option, 7> kOptions{{
    // Other responders on the host (avahi, another copy of the app) share
    // the port; each socket joined to the group gets every multicast
    // datagram.
    {SOL_SOCKET, SO_REUSEADDR, 1},
    {SOL_SOCKET, SO_REUSEPORT, 1},
    {IPPROTO_IP, IP_PKTINFO, 1},
    {IPPROTO_IP, IP_RECVTTL, 1},
    {IPPROTO_IP, IP_MULTICAST_TTL, 255},
    {IPPROTO_IP, IP_TTL, 255},
    // Other programs on this host must see what we send (and we our own
    // datagrams, which the mDNS engine recognises).
    {IPPROTO_IP, IP_MULTICAST_LOOP, 1},
}};

ip_mreqn membership(asio::ip::address_v4 group, unsigned interface_index,
                    asio::ip::address_v4 interface_address) {
  ip_mreqn request{};
  request.imr_multiaddr.s_addr = htonl(group.to_uint());
  request.imr_address.s_addr = htonl(interface_address.to_uint());
  request.imr_ifindex = static_cast<int>(interface_index);
  return request;
}

// One datagram's header: its peer address, its bytes, room for control
// messages.
msghdr message_of(sockaddr_in& address, iovec& data, std::span<char> control) {
  msghdr message{};
  message.msg_name = &address;
  message.msg_namelen = sizeof address;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  return message;
}

}  // namespace

Result<MulticastSocket, std::error_code> MulticastSocket::open(asio::io_context& io,
                                                               std::uint16_t port) {
  asio::ip::udp::socket socket(io);
  std::error_code error;
  socket.open(asio::ip::udp::v4(), error);
  if (error)
    return error;
  const int fd = socket.native_handle();
  for (const auto& option : kOptions) {
    if (auto failed = set_option(fd, option.level, option.name, option.value))
      return failed;
  }
  socket.bind({asio::ip::address_v4::any(), port}, error);
  if (!error)
    socket.non_blocking(true, error);
  if (error)
    return error;
  return MulticastSocket(std::move(socket), true);
}

std::error_code MulticastSocket::join(asio::ip::address_v4 group, unsigned interface_index,
                                      asio::ip::address_v4 interface_address) {
  const auto request = membership(group, interface_index, interface_address);
  if (setsockopt(socket_.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &request,
                 sizeof request) != 0 &&
      errno != EADDRINUSE) {
    return last_error();
  }
  return {};
}

void MulticastSocket::leave(asio::ip::address_v4 group, unsigned interface_index,
                            asio::ip::address_v4 interface_address) {
  const auto request = membership(group, interface_index, interface_address);
  setsockopt(socket_.native_handle(), IPPROTO_IP, IP_DROP_MEMBERSHIP, &request, sizeof request);
}

std::error_code MulticastSocket::send(std::span<const std::uint8_t> bytes,
                                      const asio::ip::udp::endpoint& destination,
                                      unsigned interface_index,
                                      asio::ip::address_v4 source_address) {
  if (!socket_.is_open())
    return std::make_error_code(std::errc::bad_file_descriptor);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(destination.port());
  to.sin_addr.s_addr = htonl(destination.address().to_v4().to_uint());
  iovec data{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
  msghdr message = message_of(to, data, control);
  // The interface and source address of this one datagram: hosts without a
  // default route can still send multicast, and an answer leaves by the
  // link its question came from.
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = IPPROTO_IP;
  header->cmsg_type = IP_PKTINFO;
  header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_ifindex = static_cast<int>(interface_index);
  info.ipi_spec_dst.s_addr = htonl(source_address.to_uint());
  std::memcpy(CMSG_DATA(header), &info, sizeof info);
  if (sendmsg(socket_.native_handle(), &message, MSG_DONTWAIT) < 0)
    return last_error();
  return {};
}

std::optional<MulticastDatagram> MulticastSocket::receive(std::span<std::uint8_t> buffer,
                                                          std::error_code& error) {
  error.clear();
  if (!socket_.is_open())
    return std::nullopt;
  sockaddr_in from{};
  iovec data{buffer.data(), buffer.size()};
  alignas(cmsghdr) std::array<char, 128> control{};
  msghdr message = message_of(from, data, control);
  const ssize_t received = recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
  if (received < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      error = last_error();
    return std::nullopt;
  }
  MulticastDatagram datagram;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != IPPROTO_IP)
      continue;
    if (header->cmsg_type == IP_PKTINFO) {
      in_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(header), sizeof info);
      datagram.interface_index = static_cast<unsigned>(info.ipi_ifindex);
    } else if (header->cmsg_type == IP_TTL) {
      int ttl = 0;
      std::memcpy(&ttl, CMSG_DATA(header), sizeof ttl);
      datagram.ttl = ttl;
    }
  }
  datagram.truncated = (message.msg_flags & MSG_TRUNC) != 0;
  datagram.source = {asio::ip::address_v4(ntohl(from.sin_addr.s_addr)), ntohs(from.sin_port)};
  datagram.bytes = buffer.first(std::min(static_cast<std::size_t>(received), buffer.size()));
  return datagram;
}

}  // namespace lanspread::platform
