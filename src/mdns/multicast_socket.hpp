#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <functional>
#include <span>

#include "mdns/types.hpp"
#include "platform/multicast_socket.hpp"

namespace lanspread::mdns {

// The hop limit the engine's on-link check (RFC 6762 §11) reads for a
// datagram: its IP TTL; -1 (dropped) when it came without one on a system
// that reports TTLs; 255 when the system reports none (an old Windows), so
// that the check rests on the source address alone.
int hop_limit_for_engine(const platform::MulticastDatagram& datagram, bool system_reports_ttl);

// The one IPv4 socket on port 5353 that every interface shares (with other
// responders on the host too): the group joined per interface, each datagram
// handed over with its arrival interface and IP TTL, each send leaving by the
// interface and with the source address of the link it is for, so that hosts
// without a default route work. The OS part is platform::MulticastSocket.
class MulticastSocket {
 public:
  // Throws std::system_error when the port cannot be opened.
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

  platform::MulticastSocket socket_;
  std::function<void(const IncomingPacket&)> handler_;
};

}  // namespace lanspread::mdns
