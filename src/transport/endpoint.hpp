#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "transport/alpn.hpp"
#include "transport/congestion_control.hpp"
#include "transport/connection.hpp"

namespace asio {
class io_context;
}

namespace lanspread::transport {

class EndpointCore;
struct Identity;

struct EndpointOptions {
  asio::ip::udp::endpoint bind{asio::ip::address_v4::any(), 0};  // port 0 picks one
  bool accept_incoming = true;
  std::string alpn = protocol_alpn();
  // A connection whose peer is silent this long is closed, so a vanished peer
  // is noticed in bounded time.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(15);
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(5);
  std::uint64_t max_streams_per_connection = 64;  // concurrent requests a peer may have
  std::size_t max_connections = 512;
  // UDP segmentation offload (GSO/GRO) where the OS has it; off sends and
  // receives every datagram on its own (still many per system call).
  bool segmentation_offload = true;
  // The largest UDP payload sent; 0: as large as the route's MTU allows (as
  // TCP sizes its segments), at most 16 KiB. The peer's own limit also holds.
  std::size_t max_udp_payload = 0;
  CongestionControl congestion_control = CongestionControl::Bbr;
};

// Serves one incoming stream; runs as its own coroutine.
using StreamHandler = std::function<asio::awaitable<void>(Connection, Stream)>;

// A QUIC endpoint on one UDP socket: it accepts connections (when enabled)
// and dials out, routing every datagram to its connection by connection ID.
// Everything runs on the io_context it was created with.
class Endpoint {
 public:
  Endpoint(asio::io_context& io, const Identity& identity, EndpointOptions options,
           StreamHandler on_stream = {});
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  asio::ip::udp::endpoint local_endpoint() const;

  // Connects and completes the handshake. A non-empty `expected_fingerprint`
  // pins the peer's key: any other key is refused (TransportError::
  // IdentityMismatch). Throws std::system_error on failure.
  asio::awaitable<Connection> connect(asio::ip::udp::endpoint remote,
                                      std::string expected_fingerprint = {});

  // Closes every connection and the socket. Idempotent.
  void close();

  std::size_t connection_count() const;

 private:
  std::shared_ptr<EndpointCore> core_;
};

}  // namespace lanspread::transport
