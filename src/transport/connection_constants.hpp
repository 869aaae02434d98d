#pragma once

// What a ConnectionCore works with: datagram and batch sizes, how much may be
// in flight, receive windows, application error codes.
// Shared by its source files (connection_core, connection_send,
// connection_callbacks); not part of the transport's API.

#include <ngtcp2/ngtcp2.h>

#include <cstddef>
#include <cstdint>

#include "platform/udp_batch.hpp"

namespace lanspread::transport {

// Per-packet work (AEAD, header protection, ngtcp2's packet building, the
// kernel's per-datagram path) dominates QUIC's CPU cost, so datagrams are as
// large as the route allows: 1472 bytes on an IPv4 Ethernet LAN, 8972 with
// jumbo frames, 16 KiB (the receive slot, a TLS record's size) on loopback.
inline constexpr std::size_t kLargestUdpPayload = platform::UdpBatch::kMaxDatagramBytes;
inline constexpr std::size_t kEthernetMtu = 1500;  // when the OS knows no route
// Packets are gathered into runs the OS sends with one call (UDP GSO).
inline constexpr std::size_t kBatchBytes = platform::UdpBatch::kMaxRunBytes;
inline constexpr std::size_t kBatchPackets = platform::UdpBatch::kMaxSegments;
// How much may be written but unacknowledged before write() waits, per stream
// and per connection: enough to keep a LAN link busy, small enough to bound
// memory and to keep what is being sent in the CPU caches.
inline constexpr std::uint64_t kMaxStreamUnacknowledged = 4 * 1024 * 1024;
inline constexpr std::uint64_t kMaxConnectionUnacknowledged = 8 * 1024 * 1024;
// How many bytes of one stream the write loop sends before it turns to the
// next stream with data: a receive buffer block, so a reader gets whole
// blocks, and a small response waits behind at most one burst per stream.
inline constexpr std::size_t kStreamBurst = 256 * 1024;
// Receive windows (flow control). What the peer may send before we read:
// on a stream we opened (our request's answer, a block of a download), on a
// stream the peer opened (its request), and on the whole connection. ngtcp2
// grows a window that the reader keeps emptying up to the maximum.
inline constexpr std::uint64_t kAnswerStreamWindow = 4 * 1024 * 1024;
inline constexpr std::uint64_t kRequestStreamWindow = 1024 * 1024;
inline constexpr std::uint64_t kConnectionWindow = 16 * 1024 * 1024;
inline constexpr std::uint64_t kMaxStreamWindow = 16 * 1024 * 1024;
inline constexpr std::uint64_t kMaxConnectionWindow = 64 * 1024 * 1024;
// Application error codes: a normal close or a normal stream end, and a
// stream this side abandoned on purpose (a cancelled or duplicate transfer).
inline constexpr std::uint64_t kNoError = 0;
inline constexpr std::uint64_t kStreamAbandoned = 1;
// TLS alert 120: the peer offered no protocol version we speak.
inline constexpr std::uint8_t kNoApplicationProtocolAlert = 120;

}  // namespace lanspread::transport
