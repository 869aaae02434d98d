#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/address_v4.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <system_error>

#include "base/result.hpp"

namespace lanspread::platform {

// One datagram taken from a MulticastSocket. `bytes` lies in the caller's
// buffer.
struct MulticastDatagram {
  std::span<const std::uint8_t> bytes;
  asio::ip::udp::endpoint source;
  unsigned interface_index = 0;  // where it arrived; 0 when the OS did not say
  std::optional<int> ttl;        // its IP TTL, when the OS reported one
  bool truncated = false;        // larger than the buffer: `bytes` is a prefix
};

// An IPv4 UDP socket bound to `port` on every address, shared with the other
// programs on the host that bind the same port (other mDNS responders), that
// joins multicast groups per interface and tells, for each datagram, the
// interface it arrived on and its IP TTL; each send leaves by the interface
// and with the source address it names. Multicast loop is on, so other
// sockets on this host (and this one) receive what it sends. Linux:
// SO_REUSEADDR + SO_REUSEPORT, recvmsg/sendmsg with IP_PKTINFO and
// IP_RECVTTL. Windows: SO_REUSEADDR, WSARecvMsg/WSASendMsg with IP_PKTINFO,
// IP_MULTICAST_IF per multicast send (docs/mdns.md, "The socket").
class MulticastSocket {
 public:
  // Port 0 takes any free port (tests).
  static Result<MulticastSocket, std::error_code> open(asio::io_context& io, std::uint16_t port);

  MulticastSocket(MulticastSocket&&) noexcept = default;
  MulticastSocket& operator=(MulticastSocket&&) noexcept = default;

  std::uint16_t local_port() const {
    std::error_code ignored;
    return socket_.local_endpoint(ignored).port();
  }
  // Whether the OS reports each datagram's TTL (Linux always; Windows from
  // the version that has IP_RECVTTL). When false, `ttl` is always empty.
  bool reports_ttl() const { return reports_ttl_; }

  // Joining a group already joined there succeeds.
  std::error_code join(asio::ip::address_v4 group, unsigned interface_index,
                       asio::ip::address_v4 interface_address);
  // Fails harmlessly (and silently) when the interface is gone.
  void leave(asio::ip::address_v4 group, unsigned interface_index,
             asio::ip::address_v4 interface_address);

  // Never blocks: a full send buffer fails the send (would_block), as the
  // network could have dropped the datagram.
  std::error_code send(std::span<const std::uint8_t> bytes,
                       const asio::ip::udp::endpoint& destination, unsigned interface_index,
                       asio::ip::address_v4 source_address);

  // Calls `handler` on the io_context once a datagram is queued (with an
  // error once the socket is closed).
  void async_wait_readable(std::function<void(const std::error_code&)> handler) {
    socket_.async_wait(asio::socket_base::wait_read, std::move(handler));
  }
  // Takes one queued datagram into `buffer` without waiting; nothing when
  // none is queued (`error` clear) or on a socket error (`error` set).
  std::optional<MulticastDatagram> receive(std::span<std::uint8_t> buffer, std::error_code& error);

  bool is_open() const { return socket_.is_open(); }
  // Pending waits complete with an error.
  void close() {
    std::error_code ignored;
    socket_.close(ignored);
  }

 private:
  explicit MulticastSocket(asio::ip::udp::socket socket, bool reports_ttl)
      : socket_(std::move(socket)), reports_ttl_(reports_ttl) {}

  asio::ip::udp::socket socket_;
  bool reports_ttl_ = true;
};

}  // namespace lanspread::platform
