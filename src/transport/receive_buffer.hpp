#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>

namespace lanspread::transport {

// A stream's received bytes, in order, kept in blocks that never move: a
// reader may hold a view of the front while more bytes arrive behind it.
// Blocks grow from 16 KiB to 256 KiB as a stream proves busy, so a small
// request costs little and a bulk transfer reads large contiguous pieces.
class ReceiveBuffer {
 public:
  void append(std::span<const std::uint8_t> bytes);
  // The contiguous bytes at the front (at most `max`); empty if none.
  std::span<const std::uint8_t> front(std::size_t max) const;
  // Drops `count` bytes from the front (at most size()).
  void pop(std::size_t count);
  std::size_t size() const { return size_; }
  void clear();

  static constexpr std::size_t kMinBlock = 16 * 1024;
  static constexpr std::size_t kMaxBlock = 256 * 1024;

 private:
  struct Block {
    std::unique_ptr<std::uint8_t[]> bytes;
    std::size_t capacity = 0;
    std::size_t begin = 0;  // first unread byte
    std::size_t end = 0;    // one past the last received byte
  };

  void add_block();

  std::deque<Block> blocks_;
  Block spare_;  // the last emptied block, reused instead of freed
  std::size_t next_capacity_ = kMinBlock;
  std::size_t size_ = 0;
};

}  // namespace lanspread::transport
