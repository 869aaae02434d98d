#include "platform/udp_batch.hpp"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace lanspread::platform {
namespace {

// 1 MiB of receive buffer per socket: 16 coalesced runs of up to 64 KiB with
// GRO, or 64 single datagrams of up to 16 KiB without (a larger one is
// dropped as truncated; peers never send one: docs/transport.md).
constexpr std::size_t kReceiveBytes = 1 << 20;
constexpr std::size_t kRunSlot = 1 << 16;
constexpr std::size_t kDatagramSlot = UdpBatch::kMaxDatagramBytes;
constexpr std::size_t kMaxSlots = kReceiveBytes / kDatagramSlot;
constexpr std::size_t kMaxMessages = 64;  // per sendmmsg call

bool gso_refused(int error) {
  // EIO: the device cannot checksum segments; the others: no UDP_SEGMENT.
  return error == EIO || error == EINVAL || error == EOPNOTSUPP || error == ENOPROTOOPT;
}

}  // namespace

struct UdpBatch::State {
  int fd = -1;
  bool gso = false;
  bool gro = false;

  // Sending: one message per datagram or per segment run.
  std::array<mmsghdr, kMaxMessages> out{};
  std::array<iovec, kMaxMessages> out_iov{};
  std::array<std::array<char, CMSG_SPACE(sizeof(std::uint16_t))>, kMaxMessages> out_control{};

  // Receiving.
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(kReceiveBytes);
  std::array<mmsghdr, kMaxSlots> in{};
  std::array<iovec, kMaxSlots> in_iov{};
  std::array<sockaddr_storage, kMaxSlots> in_from{};
  std::array<std::array<char, CMSG_SPACE(sizeof(int))>, kMaxSlots> in_control{};
  std::vector<ReceivedDatagram> received;

  std::size_t slots() const { return gro ? kReceiveBytes / kRunSlot : kMaxSlots; }
  std::size_t slot_size() const { return gro ? kRunSlot : kDatagramSlot; }

  // Queues a message for `bytes` to `to`; `segment_size` non-zero asks for
  // segmentation into datagrams of that size.
  void add(std::size_t index, const sockaddr* to, socklen_t to_length,
           std::span<const std::uint8_t> bytes, std::size_t segment_size) {
    auto& iov = out_iov[index];
    iov.iov_base = const_cast<std::uint8_t*>(bytes.data());
    iov.iov_len = bytes.size();
    auto& header = out[index].msg_hdr;
    header = msghdr{};
    header.msg_name = const_cast<sockaddr*>(to);
    header.msg_namelen = to_length;
    header.msg_iov = &iov;
    header.msg_iovlen = 1;
    if (segment_size != 0 && bytes.size() > segment_size) {
      header.msg_control = out_control[index].data();
      header.msg_controllen = out_control[index].size();
      auto* cmsg = CMSG_FIRSTHDR(&header);
      cmsg->cmsg_level = SOL_UDP;
      cmsg->cmsg_type = UDP_SEGMENT;
      cmsg->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
      const auto size = static_cast<std::uint16_t>(segment_size);
      std::memcpy(CMSG_DATA(cmsg), &size, sizeof size);
    }
  }

  // Sends messages [0, count). Returns the index of the first message not
  // sent and the errno that stopped it (0: all sent). Messages the network
  // rejects (unreachable peer, too large) are skipped like lost datagrams.
  std::pair<std::size_t, int> flush(std::size_t count) {
    std::size_t done = 0;
    while (done < count) {
      const int sent = sendmmsg(fd, out.data() + done, static_cast<unsigned>(count - done), 0);
      if (sent >= 0) {
        done += static_cast<std::size_t>(sent);
        continue;
      }
      const int error = errno;
      if (error == EINTR)
        continue;
      if (error == EAGAIN || error == EWOULDBLOCK)
        return {done, error};
      if (gso && gso_refused(error) && out[done].msg_hdr.msg_controllen != 0)
        return {done, error};
      ++done;
    }
    return {count, 0};
  }

  SendOutcome send_single(const sockaddr* to, socklen_t to_length,
                          std::span<const std::uint8_t> payload, std::size_t segment_size) {
    while (!payload.empty()) {
      std::size_t count = 0;
      while (count < kMaxMessages && !payload.empty()) {
        const auto size = std::min(segment_size, payload.size());
        add(count++, to, to_length, payload.first(size), 0);
        payload = payload.subspan(size);
      }
      if (flush(count).second != 0)
        return SendOutcome::WouldBlock;
    }
    return SendOutcome::Sent;
  }

  SendOutcome send_segmented(const sockaddr* to, socklen_t to_length,
                             std::span<const std::uint8_t> payload, std::size_t segment_size) {
    const auto run_bytes =
        segment_size * std::clamp<std::size_t>(kMaxRunBytes / segment_size, 1, kMaxSegments);
    while (!payload.empty()) {
      std::size_t count = 0;
      std::array<std::size_t, kMaxMessages> offsets{};
      std::size_t offset = 0;
      while (count < kMaxMessages && offset < payload.size()) {
        const auto size = std::min(run_bytes, payload.size() - offset);
        offsets[count] = offset;
        add(count++, to, to_length, payload.subspan(offset, size), segment_size);
        offset += size;
      }
      const auto [stopped_at, error] = flush(count);
      if (error == EAGAIN || error == EWOULDBLOCK)
        return SendOutcome::WouldBlock;
      if (error != 0) {
        gso = false;
        return send_single(to, to_length, payload.subspan(offsets[stopped_at]), segment_size);
      }
      payload = payload.subspan(offset);
    }
    return SendOutcome::Sent;
  }
};

UdpBatch::UdpBatch(NativeSocket socket, bool offload) : state_(std::make_unique<State>()) {
  state_->fd = socket;
  if (offload) {
    const int zero = 0;
    state_->gso = setsockopt(socket, SOL_UDP, UDP_SEGMENT, &zero, sizeof zero) == 0;
    const int one = 1;
    state_->gro = setsockopt(socket, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
  }
  state_->received.reserve(kMaxSlots * 8);
}

UdpBatch::~UdpBatch() = default;

bool UdpBatch::send_offload() const {
  return state_->gso;
}

bool UdpBatch::receive_offload() const {
  return state_->gro;
}

SendOutcome UdpBatch::send(const sockaddr* to, socklen_t to_length,
                           std::span<const std::uint8_t> payload, std::size_t segment_size) {
  if (payload.empty())
    return SendOutcome::Sent;
  segment_size = std::clamp<std::size_t>(segment_size, 1, payload.size());
  if (state_->gso && payload.size() > segment_size)
    return state_->send_segmented(to, to_length, payload, segment_size);
  return state_->send_single(to, to_length, payload, segment_size);
}

std::span<const ReceivedDatagram> UdpBatch::receive(std::error_code& error) {
  auto& s = *state_;
  error.clear();
  s.received.clear();
  const auto slots = s.slots();
  for (std::size_t i = 0; i < slots; ++i) {
    s.in_iov[i] = {s.buffer.data() + i * s.slot_size(), s.slot_size()};
    auto& header = s.in[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &s.in_from[i];
    header.msg_namelen = sizeof(sockaddr_storage);
    header.msg_iov = &s.in_iov[i];
    header.msg_iovlen = 1;
    header.msg_control = s.in_control[i].data();
    header.msg_controllen = s.in_control[i].size();
  }
  int count = 0;
  do {
    count = recvmmsg(s.fd, s.in.data(), static_cast<unsigned>(slots), MSG_DONTWAIT, nullptr);
  } while (count < 0 && errno == EINTR);
  if (count < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      error = std::error_code(errno, std::system_category());
    return {};
  }
  for (int i = 0; i < count; ++i) {
    auto& message = s.in[static_cast<std::size_t>(i)];
    if ((message.msg_hdr.msg_flags & MSG_TRUNC) != 0)
      continue;
    std::size_t segment = message.msg_len;
    for (auto* cmsg = CMSG_FIRSTHDR(&message.msg_hdr); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(&message.msg_hdr, cmsg)) {
      if (cmsg->cmsg_level == SOL_UDP && cmsg->cmsg_type == UDP_GRO) {
        int size = 0;
        std::memcpy(&size, CMSG_DATA(cmsg), sizeof size);
        if (size > 0)
          segment = static_cast<std::size_t>(size);
      }
    }
    const auto* bytes = static_cast<const std::uint8_t*>(message.msg_hdr.msg_iov->iov_base);
    for (std::size_t offset = 0; offset < message.msg_len; offset += segment) {
      const auto size = std::min<std::size_t>(segment, message.msg_len - offset);
      s.received.push_back({{bytes + offset, size},
                            reinterpret_cast<const sockaddr*>(message.msg_hdr.msg_name),
                            message.msg_hdr.msg_namelen});
    }
  }
  return s.received;
}

}  // namespace lanspread::platform
