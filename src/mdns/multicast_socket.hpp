#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <functional>
#include <span>

#include "mdns/types.hpp"

namespace lanspread::mdns {

// The one IPv4 socket on port 5353 that every interface shares. Shared with
// other responders on the host (SO_REUSEADDR/SO_REUSEPORT); the arrival
// interface and IP TTL of each datagram come from IP_PKTINFO and IP_RECVTTL,
// and each send names its interface and source address with IP_PKTINFO, so
// that hosts without a default route work. POSIX only (recvmsg/sendmsg); a
// Windows port needs WSARecvMsg here.
class MulticastSocket {
 public:
  // Throws std::system_error when the port cannot be bound.
  explicit MulticastSocket(asio::io_context& io);
  MulticastSocket(const MulticastSocket&) = delete;
  MulticastSocket& operator=(const MulticastSocket&) = delete;

  // Joins 224.0.0.251 on the interface; false (and a log line) on failure.
  bool join(const LinkInterface& link);
  void leave(const LinkInterface& link);
  // Best effort, never blocks: a full send buffer drops the datagram as the
  // network could have.
  void send(const LinkInterface& link, std::span<const std::uint8_t> bytes,
            const asio::ip::udp::endpoint& destination);
  // Reads datagrams and hands each to `handler` on the io_context, until
  // close().
  void start_receiving(std::function<void(const IncomingPacket&)> handler);
  void close();

 private:
  void wait_readable();
  void drain();

  asio::ip::udp::socket socket_;
  std::function<void(const IncomingPacket&)> handler_;
};

}  // namespace lanspread::mdns
