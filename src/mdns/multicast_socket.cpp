#include "mdns/multicast_socket.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <system_error>

namespace lanspread::mdns {
namespace {

platform::MulticastSocket open_mdns_port(asio::io_context& io) {
  auto socket = platform::MulticastSocket::open(io, kMdnsPort);
  if (!socket)
    throw std::system_error(socket.error(), "cannot open the mDNS port (UDP 5353)");
  if (!socket->reports_ttl()) {
    spdlog::warn(
        "mdns: this system does not report the IP TTL of received packets; packets from "
        "other links cannot be told apart (RFC 6762 §11)");
  }
  return std::move(*socket);
}

}  // namespace

int hop_limit_for_engine(const platform::MulticastDatagram& datagram, bool system_reports_ttl) {
  if (datagram.ttl)
    return *datagram.ttl;
  return system_reports_ttl ? -1 : 255;
}

MulticastSocket::MulticastSocket(asio::io_context& io) : socket_(open_mdns_port(io)) {}

bool MulticastSocket::join(const LinkInterface& link) {
  if (const auto error = socket_.join(kMdnsGroupV4, link.index, link.address)) {
    spdlog::warn("mdns: cannot join the mDNS group on {}: {}", link.name, error.message());
    return false;
  }
  return true;
}

void MulticastSocket::leave(const LinkInterface& link) {
  socket_.leave(kMdnsGroupV4, link.index, link.address);
}

void MulticastSocket::send(const LinkInterface& link, std::span<const std::uint8_t> bytes,
                           const asio::ip::udp::endpoint& destination) {
  if (!socket_.is_open())
    return;
  if (const auto error = socket_.send(bytes, destination, link.index, link.address))
    spdlog::debug("mdns: send on {} failed: {}", link.name, error.message());
}

void MulticastSocket::start_receiving(std::function<void(const IncomingPacket&)> handler) {
  handler_ = std::move(handler);
  wait_readable();
}

void MulticastSocket::wait_readable() {
  socket_.async_wait_readable([this](const std::error_code& error) {
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
    std::error_code error;
    const auto datagram = socket_.receive(buffer, error);
    if (!datagram)
      return;
    if (datagram->truncated || datagram->interface_index == 0)
      continue;
    handler_(IncomingPacket{.interface_index = datagram->interface_index,
                            .source = datagram->source,
                            .hop_limit = hop_limit_for_engine(*datagram, socket_.reports_ttl()),
                            .bytes = datagram->bytes});
  }
}

void MulticastSocket::close() {
  socket_.close();
}

}  // namespace lanspread::mdns
