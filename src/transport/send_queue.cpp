#include "transport/send_queue.hpp"

#include <algorithm>

namespace lanspread::transport {

void SendQueue::push(std::span<const std::uint8_t> bytes, ChunkPool& pool) {
  if (bytes.empty())
    return;
  // Appending within capacity never moves bytes ngtcp2 may still point at.
  if (chunks_.empty() || chunks_.back().capacity() - chunks_.back().size() < bytes.size()) {
    auto chunk = pool.take(std::max(bytes.size(), kMinChunk));
    chunk.clear();
    chunks_.push_back(std::move(chunk));
  }
  const auto* first = reinterpret_cast<const std::byte*>(bytes.data());
  chunks_.back().insert(chunks_.back().end(), first, first + bytes.size());
  queued_ += bytes.size();
}

void SendQueue::push(std::vector<std::byte>&& chunk) {
  if (chunk.empty())
    return;
  queued_ += chunk.size();
  chunks_.push_back(std::move(chunk));
}

std::size_t SendQueue::unsent(std::span<ngtcp2_vec> vectors) const {
  std::size_t count = 0;
  auto offset = send_chunk_offset_;
  for (auto i = send_chunk_; i < chunks_.size() && count < vectors.size(); ++i) {
    auto& chunk = chunks_[i];
    const auto skip = sent_ > offset ? sent_ - offset : 0;
    if (skip < chunk.size()) {
      vectors[count++] = {
          reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(chunk.data())) + skip,
          static_cast<std::size_t>(chunk.size() - skip)};
    }
    offset += chunk.size();
  }
  return count;
}

void SendQueue::mark_sent(std::uint64_t count) {
  sent_ += count;
  while (send_chunk_ + 1 < chunks_.size() &&
         send_chunk_offset_ + chunks_[send_chunk_].size() <= sent_) {
    send_chunk_offset_ += chunks_[send_chunk_].size();
    ++send_chunk_;
  }
}

void SendQueue::acknowledge_to(std::uint64_t offset, ChunkPool& pool) {
  acknowledged_ = std::max(acknowledged_, std::min(offset, queued_));
  while (!chunks_.empty() && acked_ + chunks_.front().size() <= offset) {
    acked_ += chunks_.front().size();
    pool.give(std::move(chunks_.front()));
    chunks_.pop_front();
    if (send_chunk_ > 0) {
      --send_chunk_;
    } else {
      send_chunk_offset_ = acked_;
    }
  }
}

void SendQueue::clear() {
  chunks_.clear();
  acked_ = acknowledged_ = sent_ = queued_;
  send_chunk_ = 0;
  send_chunk_offset_ = queued_;
}

}  // namespace lanspread::transport
