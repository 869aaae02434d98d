#pragma once

#include <ngtcp2/ngtcp2.h>

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "platform/udp_batch.hpp"
#include "transport/endpoint.hpp"
#include "transport/tls.hpp"

namespace lanspread::transport {

class ConnectionCore;
class StreamState;

// The length of the connection IDs an endpoint issues, which is how it finds
// the connection of a short-header packet. Every byte is repeated in every
// packet: at 1500-byte MTU ngtcp2's usual 18 bytes cost 0.7% of a link, and
// 8 random bytes (RFC 9000's minimum for a client's first ID) already make a
// collision among one endpoint's connections improbable.
inline constexpr std::size_t kConnectionIdLength = 8;

// The shared state behind an Endpoint: the socket, the connection-ID routing
// table and the secrets. Connections hold a reference to it; the Endpoint
// closes every connection before it goes away.
class EndpointCore : public std::enable_shared_from_this<EndpointCore> {
 public:
  EndpointCore(asio::io_context& io, const Identity& identity, EndpointOptions options,
               StreamHandler on_stream);

  void start();
  void close();

  asio::any_io_executor executor() { return socket_.get_executor(); }
  const EndpointOptions& options() const { return options_; }
  const TlsCredentials& credentials() const { return credentials_; }
  asio::ip::udp::endpoint local_endpoint() const { return local_; }
  bool closed() const { return closed_; }
  std::size_t connection_count() const;

  void send(const asio::ip::udp::endpoint& to, std::span<const std::uint8_t> datagram);
  // Sends `payload` as datagrams of `segment_size` bytes (the last may be
  // shorter), as few system calls as the OS allows.
  platform::SendOutcome send(const asio::ip::udp::endpoint& to,
                             std::span<const std::uint8_t> payload, std::size_t segment_size);
  // Flushes `connection` once the socket has room to send again.
  void flush_when_writable(std::shared_ptr<ConnectionCore> connection);
  void route(const ngtcp2_cid& cid, const std::shared_ptr<ConnectionCore>& connection);
  void unroute(const ngtcp2_cid& cid);
  void forget(const ConnectionCore& connection);
  // Derives the stateless reset token of `cid` from this node's secret.
  bool stateless_reset_token(const ngtcp2_cid& cid, std::uint8_t* token) const;
  void incoming_stream(std::shared_ptr<ConnectionCore> connection,
                       std::shared_ptr<StreamState> stream);

 private:
  asio::awaitable<void> receive_loop();
  // Hands a datagram to its connection (accepting a new one if allowed);
  // returns the connection that must be flushed, if any.
  std::shared_ptr<ConnectionCore> dispatch(std::span<const std::uint8_t> datagram,
                                           const asio::ip::udp::endpoint& from);
  void touch(std::shared_ptr<ConnectionCore> connection);
  void flush_touched();
  void send_stateless_reset(std::span<const std::uint8_t> datagram, const ngtcp2_cid& dcid,
                            const asio::ip::udp::endpoint& to);
  void send_version_negotiation(const ngtcp2_version_cid& version_cid,
                                const asio::ip::udp::endpoint& to);

  EndpointOptions options_;
  TlsCredentials credentials_;
  StreamHandler on_stream_;
  asio::ip::udp::socket socket_;
  asio::ip::udp::endpoint local_;
  std::array<std::uint8_t, 32> reset_secret_{};
  std::map<std::string, std::shared_ptr<ConnectionCore>> routes_;
  platform::UdpBatch batch_;
  std::vector<std::shared_ptr<ConnectionCore>> touched_;  // in the current batch
  std::vector<std::shared_ptr<ConnectionCore>> write_blocked_;
  bool waiting_writable_ = false;
  bool closed_ = false;
};

}  // namespace lanspread::transport
