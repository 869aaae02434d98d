#pragma once

#include <cstddef>
#include <vector>

namespace lanspread::transport {

// Memory of acknowledged send chunks, kept for the writers of one connection
// to fill again: a steady flow of writes then neither allocates nor faults in
// fresh pages, and a stream can reuse what another stream's peer acknowledged.
class ChunkPool {
 public:
  // A buffer of `size` bytes, contents unspecified: the smallest kept chunk
  // of at least that capacity, or a new one.
  std::vector<std::byte> take(std::size_t size);
  // Keeps `chunk` for reuse unless the pool is full.
  void give(std::vector<std::byte>&& chunk);
  // Frees everything kept (the connection has nothing more to send for now).
  void clear();

  std::size_t kept_bytes() const { return kept_bytes_; }

  // As much as a connection may have unacknowledged: what a connection's
  // writers can have in flight, and so what they need to cycle through.
  static constexpr std::size_t kMaxKeptBytes = 8 * 1024 * 1024;

 private:
  std::vector<std::vector<std::byte>> kept_;  // each at its full capacity
  std::size_t kept_bytes_ = 0;
};

}  // namespace lanspread::transport
