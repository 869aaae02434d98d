#include "platform/multicast_socket.hpp"

#include <winsock2.h>
// After winsock2.h.
#include <mswsock.h>
#include <ws2tcpip.h>

#include <array>
#include <cstring>

namespace lanspread::platform {
namespace {

std::error_code last_error() {
  return {::WSAGetLastError(), std::system_category()};
}

std::error_code set_option(SOCKET socket, int level, int name, DWORD value) {
  if (::setsockopt(socket, level, name, reinterpret_cast<const char*>(&value), sizeof value) != 0)
    return last_error();
  return {};
}

struct Option {
  int level;
  int name;
  DWORD value;
};

constexpr std::array<Option, 5> kOptions{{
    // Windows' only way to share the port: with it a bind succeeds next to
    // any socket on it that did not take the port with SO_EXCLUSIVEADDRUSE,
    // and every socket joined to the group gets each multicast datagram
    // (docs/mdns.md, "The socket").
    {SOL_SOCKET, SO_REUSEADDR, 1},
    {IPPROTO_IP, IP_PKTINFO, 1},
    {IPPROTO_IP, IP_MULTICAST_TTL, 255},
    {IPPROTO_IP, IP_TTL, 255},
    // On Windows it decides whether this socket receives what sockets of
    // this host send (on Linux: whether what this one sends comes back).
    {IPPROTO_IP, IP_MULTICAST_LOOP, 1},
}};

IN_ADDR in_addr_of(asio::ip::address_v4 address) {
  IN_ADDR result{};
  result.s_addr = htonl(address.to_uint());
  return result;
}

ip_mreq membership(asio::ip::address_v4 group, asio::ip::address_v4 interface_address) {
  // Windows' ip_mreq names the interface by its address (ip_mreqn, with the
  // index, is Linux's).
  ip_mreq request{};
  request.imr_multiaddr = in_addr_of(group);
  request.imr_interface = in_addr_of(interface_address);
  return request;
}

// WSARecvMsg is an extension reached through a pointer the socket's provider
// hands out; it is the same for every IPv4 UDP socket.
LPFN_WSARECVMSG receive_message_function(SOCKET socket) {
  static const LPFN_WSARECVMSG function = [socket] {
    GUID id = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG found = nullptr;
    DWORD returned = 0;
    if (::WSAIoctl(socket, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &found, sizeof found,
                   &returned, nullptr, nullptr) != 0) {
      return LPFN_WSARECVMSG{nullptr};
    }
    return found;
  }();
  return function;
}

// One datagram's header: its peer address, its bytes, room for control
// messages.
WSAMSG message_of(sockaddr_in& address, WSABUF& data, std::span<char> control) {
  WSAMSG message{};
  message.name = reinterpret_cast<sockaddr*>(&address);
  message.namelen = sizeof address;
  message.lpBuffers = &data;
  message.dwBufferCount = 1;
  message.Control = {static_cast<ULONG>(control.size()), control.data()};
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
  const SOCKET native = socket.native_handle();
  if (receive_message_function(native) == nullptr)  // looked up once, failed then
    return std::make_error_code(std::errc::function_not_supported);
  for (const auto& option : kOptions) {
    if (auto failed = set_option(native, option.level, option.name, option.value))
      return failed;
  }
  // Older Windows versions refuse IP_RECVTTL (wine takes it); then the TTL
  // of received datagrams is unknown.
  const bool reports_ttl = !set_option(native, IPPROTO_IP, IP_RECVTTL, 1);
  // An ICMP "port unreachable" for an answer sent earlier would otherwise
  // fail a later receive with WSAECONNRESET.
  BOOL report = FALSE;
  DWORD returned = 0;
  ::WSAIoctl(native, SIO_UDP_CONNRESET, &report, sizeof report, nullptr, 0, &returned, nullptr,
             nullptr);
  socket.bind({asio::ip::address_v4::any(), port}, error);
  if (!error)
    socket.non_blocking(true, error);
  if (error)
    return error;
  return MulticastSocket(std::move(socket), reports_ttl);
}

std::error_code MulticastSocket::join(asio::ip::address_v4 group, unsigned,
                                      asio::ip::address_v4 interface_address) {
  const auto request = membership(group, interface_address);
  if (::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP,
                   reinterpret_cast<const char*>(&request), sizeof request) != 0 &&
      ::WSAGetLastError() != WSAEADDRINUSE) {
    return last_error();
  }
  return {};
}

void MulticastSocket::leave(asio::ip::address_v4 group, unsigned,
                            asio::ip::address_v4 interface_address) {
  const auto request = membership(group, interface_address);
  ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_DROP_MEMBERSHIP,
               reinterpret_cast<const char*>(&request), sizeof request);
}

std::error_code MulticastSocket::send(std::span<const std::uint8_t> bytes,
                                      const asio::ip::udp::endpoint& destination,
                                      unsigned interface_index,
                                      asio::ip::address_v4 source_address) {
  if (!socket_.is_open())
    return std::make_error_code(std::errc::bad_file_descriptor);
  const SOCKET native = socket_.native_handle();
  // Windows documents IP_PKTINFO on send for the source address; a multicast
  // datagram's interface is IP_MULTICAST_IF's, set before each one.
  if (destination.address().is_multicast()) {
    const IN_ADDR source = in_addr_of(source_address);
    if (::setsockopt(native, IPPROTO_IP, IP_MULTICAST_IF, reinterpret_cast<const char*>(&source),
                     sizeof source) != 0) {
      return last_error();
    }
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(destination.port());
  to.sin_addr = in_addr_of(destination.address().to_v4());
  WSABUF data{static_cast<ULONG>(bytes.size()),
              reinterpret_cast<char*>(const_cast<std::uint8_t*>(bytes.data()))};
  alignas(WSACMSGHDR) std::array<char, WSA_CMSG_SPACE(sizeof(IN_PKTINFO))> control{};
  WSAMSG message = message_of(to, data, control);
  WSACMSGHDR* header = WSA_CMSG_FIRSTHDR(&message);
  header->cmsg_level = IPPROTO_IP;
  header->cmsg_type = IP_PKTINFO;
  header->cmsg_len = WSA_CMSG_LEN(sizeof(IN_PKTINFO));
  IN_PKTINFO info{};
  info.ipi_addr = in_addr_of(source_address);
  info.ipi_ifindex = interface_index;
  std::memcpy(WSA_CMSG_DATA(header), &info, sizeof info);
  DWORD sent = 0;
  if (::WSASendMsg(native, &message, 0, &sent, nullptr, nullptr) != 0)
    return last_error();
  return {};
}

std::optional<MulticastDatagram> MulticastSocket::receive(std::span<std::uint8_t> buffer,
                                                          std::error_code& error) {
  error.clear();
  if (!socket_.is_open())
    return std::nullopt;
  const SOCKET native = socket_.native_handle();
  sockaddr_in from{};
  WSABUF data{static_cast<ULONG>(buffer.size()), reinterpret_cast<char*>(buffer.data())};
  alignas(WSACMSGHDR) std::array<char, 128> control{};
  WSAMSG message = message_of(from, data, control);
  DWORD received = 0;
  bool truncated = false;
  if (receive_message_function(native)(native, &message, &received, nullptr, nullptr) != 0) {
    const int failure = ::WSAGetLastError();
    if (failure == WSAEMSGSIZE) {
      truncated = true;  // the buffer holds its beginning
      received = static_cast<DWORD>(buffer.size());
    } else if (failure == WSAEWOULDBLOCK || failure == WSAECONNRESET) {
      return std::nullopt;
    } else {
      error = {failure, std::system_category()};
      return std::nullopt;
    }
  }
  MulticastDatagram datagram;
  for (WSACMSGHDR* header = WSA_CMSG_FIRSTHDR(&message); header != nullptr;
       header = WSA_CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != IPPROTO_IP)
      continue;
    if (header->cmsg_type == IP_PKTINFO) {
      IN_PKTINFO info{};
      std::memcpy(&info, WSA_CMSG_DATA(header), sizeof info);
      datagram.interface_index = info.ipi_ifindex;
    } else if (header->cmsg_type == IP_TTL || header->cmsg_type == IP_HOPLIMIT) {
      // Wine types it IP_TTL, as Linux does; Windows' own type is unproven
      // here (its headers give IP_RECVTTL the value of IP_HOPLIMIT): both
      // are read.
      int ttl = 0;
      std::memcpy(&ttl, WSA_CMSG_DATA(header), sizeof ttl);
      datagram.ttl = ttl;
    }
  }
  datagram.truncated = truncated || (message.dwFlags & MSG_TRUNC) != 0;
  datagram.source = {asio::ip::address_v4(ntohl(from.sin_addr.s_addr)), ntohs(from.sin_port)};
  datagram.bytes = buffer.first(std::min(static_cast<std::size_t>(received), buffer.size()));
  return datagram;
}

}  // namespace lanspread::platform
