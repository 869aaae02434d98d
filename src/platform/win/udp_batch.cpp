#include "platform/udp_batch.hpp"

#include <mswsock.h>

#include <algorithm>
#include <array>
#include <vector>

namespace lanspread::platform {
namespace {

// 1 MiB of receive buffer per socket: 64 datagrams of up to 16 KiB (a larger
// one is dropped as truncated; peers never send one: docs/transport.md).
constexpr std::size_t kReceiveBytes = 1 << 20;
constexpr std::size_t kSlot = UdpBatch::kMaxDatagramBytes;
constexpr std::size_t kSlots = kReceiveBytes / kSlot;

}  // namespace

// Windows has no sendmmsg/recvmmsg and mingw-w64 has no USO/URO (its UDP
// offloads) yet: one datagram per call each way, offload always off.
struct UdpBatch::State {
  SOCKET socket = INVALID_SOCKET;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(kReceiveBytes);
  std::array<sockaddr_storage, kSlots> from{};
  std::vector<ReceivedDatagram> received;
};

UdpBatch::UdpBatch(NativeSocket socket, bool) : state_(std::make_unique<State>()) {
  state_->socket = socket;
  // Windows turns an ICMP "port unreachable" for an earlier datagram into
  // WSAECONNRESET on a later receive; for UDP that is loss, which QUIC
  // handles, so the report is switched off.
  BOOL report = FALSE;
  DWORD returned = 0;
  ::WSAIoctl(socket, SIO_UDP_CONNRESET, &report, sizeof report, nullptr, 0, &returned, nullptr,
             nullptr);
  state_->received.reserve(kSlots);
}

UdpBatch::~UdpBatch() = default;

bool UdpBatch::send_offload() const {
  return false;
}

bool UdpBatch::receive_offload() const {
  return false;
}

SendOutcome UdpBatch::send(const sockaddr* to, socklen_t to_length,
                           std::span<const std::uint8_t> payload, std::size_t segment_size) {
  segment_size = std::clamp<std::size_t>(segment_size, 1, std::max<std::size_t>(payload.size(), 1));
  while (!payload.empty()) {
    const auto size = std::min(segment_size, payload.size());
    const int sent = ::sendto(state_->socket, reinterpret_cast<const char*>(payload.data()),
                              static_cast<int>(size), 0, to, to_length);
    if (sent == SOCKET_ERROR) {
      const int error = ::WSAGetLastError();
      if (error == WSAEWOULDBLOCK || error == WSAENOBUFS)
        return SendOutcome::WouldBlock;
      // Refused by the network (unreachable peer, too large): skipped like
      // a lost datagram.
    }
    payload = payload.subspan(size);
  }
  return SendOutcome::Sent;
}

std::span<const ReceivedDatagram> UdpBatch::receive(std::error_code& error) {
  auto& s = *state_;
  error.clear();
  s.received.clear();
  for (std::size_t slot = 0; slot < kSlots; ++slot) {
    auto* bytes = s.buffer.data() + slot * kSlot;
    auto* from = reinterpret_cast<sockaddr*>(&s.from[slot]);
    int from_length = sizeof(sockaddr_storage);
    const int got = ::recvfrom(s.socket, reinterpret_cast<char*>(bytes), static_cast<int>(kSlot), 0,
                               from, &from_length);
    if (got != SOCKET_ERROR) {
      // An empty datagram holds no QUIC packet (and ngtcp2 asserts on one);
      // Linux's batch yields none for it either.
      if (got > 0)
        s.received.push_back({{bytes, static_cast<std::size_t>(got)}, from, from_length});
      continue;
    }
    const int failure = ::WSAGetLastError();
    // Larger than any peer sends (dropped, like MSG_TRUNC on Linux), or an
    // ICMP error for an earlier send: go on with the next datagram.
    if (failure == WSAEMSGSIZE || failure == WSAECONNRESET || failure == WSAENETRESET)
      continue;
    if (failure != WSAEWOULDBLOCK && s.received.empty())
      error = std::error_code(failure, std::system_category());
    break;
  }
  return s.received;
}

}  // namespace lanspread::platform
