#pragma once

#include <ngtcp2/ngtcp2.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "transport/chunk_pool.hpp"

namespace lanspread::transport {

// A stream's outgoing bytes from the first unacknowledged one on. ngtcp2 does
// not copy what it sends (it retransmits from our memory), so bytes stay here,
// unmoved, until acknowledged. Small writes are appended to the last chunk
// while it has room; chunks come from and go back to the connection's pool,
// so a steady stream of writes does not allocate (nor fault in fresh pages).
class SendQueue {
 public:
  // Queues a copy of `bytes` (in a chunk from `pool` if it needs a new one).
  void push(std::span<const std::uint8_t> bytes, ChunkPool& pool);
  // Queues `chunk` itself, without copying it.
  void push(std::vector<std::byte>&& chunk);
  // Points `vectors` at the bytes not yet handed to ngtcp2, in order; returns
  // how many it filled.
  std::size_t unsent(std::span<ngtcp2_vec> vectors) const;
  // ngtcp2 took `count` more bytes.
  void mark_sent(std::uint64_t count);
  // The peer acknowledged everything before stream offset `offset`; chunks
  // wholly acknowledged go back to `pool`.
  void acknowledge_to(std::uint64_t offset, ChunkPool& pool);
  void clear();

  std::uint64_t queued() const { return queued_; }
  std::uint64_t sent() const { return sent_; }
  // Counted to the byte (a chunk is freed only once wholly acknowledged), so
  // limits on it follow the peer's progress smoothly.
  std::uint64_t unacknowledged() const { return queued_ - acknowledged_; }
  bool has_unsent() const { return sent_ < queued_; }

  static constexpr std::size_t kMinChunk = 64 * 1024;

 private:
  std::deque<std::vector<std::byte>> chunks_;  // chunks_.front() starts at acked_
  std::uint64_t acked_ = 0;                    // where chunks_.front() starts
  std::uint64_t acknowledged_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t queued_ = 0;
  // The chunk holding stream offset sent_ (never past the last chunk, which
  // may still grow) and its start offset, so a write pass does not walk the
  // acknowledged-but-not-freed and already-sent chunks every packet.
  std::size_t send_chunk_ = 0;
  std::uint64_t send_chunk_offset_ = 0;
};

}  // namespace lanspread::transport
