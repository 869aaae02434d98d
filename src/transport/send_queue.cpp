#include "transport/send_queue.hpp"

#include <algorithm>

namespace lanspread::transport {

void SendQueue::push(std::span<const std::uint8_t> bytes) {
  if (bytes.empty())
    return;
  // Appending within capacity never moves bytes ngtcp2 may still point at.
  if (chunks_.empty() || chunks_.back().capacity() - chunks_.back().size() < bytes.size()) {
    const auto capacity = std::max(bytes.size(), kMinChunk);
    if (spare_.capacity() >= capacity) {
      chunks_.push_back(std::move(spare_));
      spare_ = {};
    } else {
      chunks_.emplace_back().reserve(capacity);
    }
  }
  chunks_.back().insert(chunks_.back().end(), bytes.begin(), bytes.end());
  queued_ += bytes.size();
}

std::size_t SendQueue::unsent(std::span<ngtcp2_vec> vectors) const {
  std::size_t count = 0;
  auto offset = send_chunk_offset_;
  for (auto i = send_chunk_; i < chunks_.size() && count < vectors.size(); ++i) {
    auto& chunk = chunks_[i];
    const auto skip = sent_ > offset ? sent_ - offset : 0;
    if (skip < chunk.size()) {
      vectors[count++] = {const_cast<std::uint8_t*>(chunk.data()) + skip,
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

void SendQueue::acknowledge_to(std::uint64_t offset) {
  acknowledged_ = std::max(acknowledged_, std::min(offset, queued_));
  while (!chunks_.empty() && acked_ + chunks_.front().size() <= offset) {
    acked_ += chunks_.front().size();
    if (chunks_.front().capacity() > spare_.capacity()) {
      spare_ = std::move(chunks_.front());
      spare_.clear();
    }
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
  spare_ = {};
  acked_ = acknowledged_ = sent_ = queued_;
  send_chunk_ = 0;
  send_chunk_offset_ = queued_;
}

}  // namespace lanspread::transport
