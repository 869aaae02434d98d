#include "transport/receive_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace lanspread::transport {

void ReceiveBuffer::add_block() {
  if (spare_.capacity >= next_capacity_) {
    spare_.begin = spare_.end = 0;
    blocks_.push_back(std::move(spare_));
    spare_ = Block{};
  } else {
    blocks_.push_back(
        Block{std::make_unique_for_overwrite<std::uint8_t[]>(next_capacity_), next_capacity_});
  }
  next_capacity_ = std::min(next_capacity_ * 2, kMaxBlock);
}

void ReceiveBuffer::append(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    if (blocks_.empty() || blocks_.back().end == blocks_.back().capacity)
      add_block();
    auto& block = blocks_.back();
    const auto n = std::min(bytes.size(), block.capacity - block.end);
    std::memcpy(block.bytes.get() + block.end, bytes.data(), n);
    block.end += n;
    size_ += n;
    bytes = bytes.subspan(n);
  }
}

std::span<const std::uint8_t> ReceiveBuffer::front(std::size_t max) const {
  if (blocks_.empty())
    return {};
  const auto& block = blocks_.front();
  return {block.bytes.get() + block.begin, std::min(max, block.end - block.begin)};
}

void ReceiveBuffer::pop(std::size_t count) {
  count = std::min(count, size_);
  size_ -= count;
  while (count > 0) {
    auto& block = blocks_.front();
    const auto n = std::min(count, block.end - block.begin);
    block.begin += n;
    count -= n;
    // A drained block goes unless it is the one still being filled.
    if (block.begin == block.end && (blocks_.size() > 1 || block.end == block.capacity)) {
      if (block.capacity > spare_.capacity)
        spare_ = std::move(block);
      blocks_.pop_front();
    }
  }
  if (size_ == 0 && blocks_.size() == 1) {
    // Nothing is held: start the last block over instead of filling its tail.
    blocks_.front().begin = blocks_.front().end = 0;
  }
}

void ReceiveBuffer::clear() {
  blocks_.clear();
  size_ = 0;
}

}  // namespace lanspread::transport
