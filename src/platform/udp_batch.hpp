#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>

#ifdef _WIN32
#include <winsock2.h>
// After winsock2.h: socklen_t.
#include <ws2tcpip.h>
#else
#include <sys/socket.h>
#endif

namespace lanspread::platform {

#ifdef _WIN32
using NativeSocket = SOCKET;
#else
using NativeSocket = int;
#endif

// One datagram taken from the socket. The bytes and the address stay valid
// until the next receive() on the same UdpBatch.
struct ReceivedDatagram {
  std::span<const std::uint8_t> bytes;
  const sockaddr* from = nullptr;
  socklen_t from_length = 0;
};

enum class SendOutcome {
  Sent,        // handed to the OS (UDP may still lose it on the way)
  WouldBlock,  // the socket's send buffer is full; what was not sent is dropped
};

// Moves many UDP datagrams per system call on a non-blocking socket it does
// not own. On Linux: segmentation offload on send (UDP_SEGMENT: one sendmsg
// carries up to 64 datagrams of one size) and on receive (UDP_GRO: the kernel
// hands over runs of same-size datagrams as one buffer, split here again),
// with sendmmsg/recvmmsg when offload is off or refused. On Windows: one
// datagram per call, offload always off.
class UdpBatch {
 public:
  // With `offload` false, or when the OS refuses it, every datagram travels
  // on its own (still many per system call).
  UdpBatch(NativeSocket socket, bool offload);
  ~UdpBatch();
  UdpBatch(const UdpBatch&) = delete;
  UdpBatch& operator=(const UdpBatch&) = delete;

  // The largest number of datagrams one send() passes in a single offload
  // segment run; callers batching for send() need not exceed it.
  static constexpr std::size_t kMaxSegments = 64;
  // The largest payload one offload run may carry (what fits one IP packet).
  static constexpr std::size_t kMaxRunBytes = 65000;
  // The largest single datagram received whole, with or without offload.
  static constexpr std::size_t kMaxDatagramBytes = 16 * 1024;

  // Sends `payload` as consecutive datagrams of `segment_size` bytes (the
  // last may be shorter) to `to`, in order. If the OS refuses segmentation
  // offload, switches it off for good and sends the datagrams one by one.
  SendOutcome send(const sockaddr* to, socklen_t to_length, std::span<const std::uint8_t> payload,
                   std::size_t segment_size);

  // Takes what is queued without waiting, in arrival order, splitting
  // coalesced runs back into their datagrams. Empty when nothing is queued
  // (`error` stays clear) or on a socket error (`error` set).
  std::span<const ReceivedDatagram> receive(std::error_code& error);

  bool send_offload() const;
  bool receive_offload() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lanspread::platform
