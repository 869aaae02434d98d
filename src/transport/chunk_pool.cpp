#include "transport/chunk_pool.hpp"

#include <algorithm>

namespace lanspread::transport {

std::vector<std::byte> ChunkPool::take(std::size_t size) {
  // The smallest that fits, so small writes do not use up large chunks.
  auto best = kept_.end();
  for (auto it = kept_.begin(); it != kept_.end(); ++it) {
    if (it->size() >= size && (best == kept_.end() || it->size() < best->size()))
      best = it;
  }
  if (best == kept_.end())
    return std::vector<std::byte>(size);
  auto chunk = std::move(*best);
  kept_.erase(best);
  kept_bytes_ -= chunk.size();
  // Shrinking never writes to the bytes.
  chunk.resize(size);
  return chunk;
}

void ChunkPool::give(std::vector<std::byte>&& chunk) {
  if (chunk.capacity() == 0 || kept_bytes_ + chunk.capacity() > kMaxKeptBytes)
    return;
  // At full capacity, so take() can hand it out by shrinking it.
  chunk.resize(chunk.capacity());
  kept_bytes_ += chunk.size();
  kept_.push_back(std::move(chunk));
}

void ChunkPool::clear() {
  kept_.clear();
  kept_bytes_ = 0;
}

}  // namespace lanspread::transport
