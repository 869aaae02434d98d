#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <vector>

#include "transport/chunk_pool.hpp"
#include "transport/receive_buffer.hpp"
#include "transport/send_queue.hpp"

namespace lanspread::transport {
namespace {

std::vector<std::uint8_t> counting(std::size_t size, std::size_t from = 0) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<std::uint8_t>((from + i) % 251);
  return bytes;
}

TEST(ReceiveBufferTest, ViewsStayPutWhileMoreArrives) {
  ReceiveBuffer buffer;
  const auto first = counting(1000);
  buffer.append(first);
  const auto view = buffer.front(SIZE_MAX);
  ASSERT_EQ(view.size(), 1000u);
  const auto* where = view.data();
  // Far more than the first block holds: new blocks, the old one unmoved.
  const auto more = counting(3 * ReceiveBuffer::kMaxBlock, 1000);
  buffer.append(more);
  EXPECT_EQ(buffer.front(SIZE_MAX).data(), where);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), where));
  EXPECT_EQ(buffer.size(), 1000 + more.size());

  // Reading everything back in views gives the bytes in order, in pieces
  // that grow to the largest block.
  std::vector<std::uint8_t> read;
  std::size_t largest = 0;
  while (buffer.size() > 0) {
    const auto piece = buffer.front(SIZE_MAX);
    read.insert(read.end(), piece.begin(), piece.end());
    largest = std::max(largest, piece.size());
    buffer.pop(piece.size());
  }
  EXPECT_EQ(read, counting(1000 + more.size()));
  EXPECT_EQ(largest, ReceiveBuffer::kMaxBlock);
}

TEST(ReceiveBufferTest, FrontHonoursItsLimit) {
  ReceiveBuffer buffer;
  buffer.append(counting(500));
  EXPECT_EQ(buffer.front(100).size(), 100u);
  buffer.pop(100);
  EXPECT_EQ(buffer.front(SIZE_MAX)[0], 100);
  buffer.clear();
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_TRUE(buffer.front(SIZE_MAX).empty());
}

std::vector<std::uint8_t> gather(const SendQueue& queue) {
  std::array<ngtcp2_vec, 16> vectors{};
  std::vector<std::uint8_t> bytes;
  const auto count = queue.unsent(vectors);
  for (std::size_t i = 0; i < count; ++i)
    bytes.insert(bytes.end(), vectors[i].base, vectors[i].base + vectors[i].len);
  return bytes;
}

TEST(SendQueueTest, HandsOutUnsentBytesInOrderAndFreesAcknowledged) {
  SendQueue queue;
  ChunkPool pool;
  const auto all = counting(300 * 1024);
  // Small writes share a chunk; a large one gets its own.
  queue.push(std::span(all).first(100), pool);
  queue.push(std::span(all).subspan(100, 900), pool);
  queue.push(std::span(all).subspan(1000), pool);
  EXPECT_EQ(queue.queued(), all.size());
  EXPECT_EQ(gather(queue), all);

  queue.mark_sent(1500);
  auto rest = gather(queue);
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + 1500));
  EXPECT_EQ(rest.size(), all.size() - 1500);

  // Acknowledged bytes count at once, though their chunk stays until it is
  // wholly acknowledged (the bytes after 500 may still be resent from it).
  queue.acknowledge_to(500, pool);
  EXPECT_EQ(queue.unacknowledged(), all.size() - 500);
  rest = gather(queue);
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + 1500));
  queue.acknowledge_to(1000, pool);
  EXPECT_EQ(queue.unacknowledged(), all.size() - 1000);

  queue.mark_sent(all.size() - 1500);
  EXPECT_FALSE(queue.has_unsent());
  EXPECT_TRUE(gather(queue).empty());
  queue.acknowledge_to(all.size(), pool);
  EXPECT_EQ(queue.unacknowledged(), 0u);
  EXPECT_GE(pool.kept_bytes(), all.size()) << "acknowledged chunks are kept for reuse";

  // After everything went, new bytes are sent from where the stream is.
  const auto later = counting(10, 7);
  queue.push(later, pool);
  EXPECT_EQ(gather(queue), later);
}

TEST(SendQueueTest, TakesOverPushedChunksWithoutCopying) {
  SendQueue queue;
  ChunkPool pool;
  const auto head = counting(100);
  queue.push(head, pool);
  std::vector<std::byte> block(5000);
  for (std::size_t i = 0; i < block.size(); ++i)
    block[i] = static_cast<std::byte>((100 + i) % 251);
  const auto* where = block.data();
  queue.push(std::move(block));
  // A small write after it goes behind the block, in order.
  const auto tail = counting(50, 5100);
  queue.push(tail, pool);

  std::array<ngtcp2_vec, 16> vectors{};
  ASSERT_GE(queue.unsent(vectors), 2u);
  EXPECT_EQ(reinterpret_cast<const std::byte*>(vectors[1].base), where);
  EXPECT_EQ(gather(queue), counting(5150));
  EXPECT_EQ(queue.queued(), 5150u);

  queue.mark_sent(5150);
  queue.acknowledge_to(5150, pool);
  EXPECT_EQ(queue.unacknowledged(), 0u);
  // The block's memory is what the next writer of that size gets.
  EXPECT_EQ(pool.take(4000).data(), where);
}

TEST(ChunkPoolTest, ReusesKeptChunksUpToItsBound) {
  ChunkPool pool;
  auto fresh = pool.take(1000);
  EXPECT_EQ(fresh.size(), 1000u);
  const auto* where = fresh.data();
  pool.give(std::move(fresh));
  EXPECT_EQ(pool.kept_bytes(), 1000u);

  // Too large for the kept chunk: a new one.
  const auto larger = pool.take(2000);
  EXPECT_NE(larger.data(), where);
  EXPECT_EQ(larger.size(), 2000u);
  // Small enough: the kept one, shrunk to the size asked for.
  const auto reused = pool.take(10);
  EXPECT_EQ(reused.data(), where);
  EXPECT_EQ(reused.size(), 10u);
  EXPECT_EQ(pool.kept_bytes(), 0u);

  // It keeps no more than its bound.
  for (std::size_t kept = 0; kept <= ChunkPool::kMaxKeptBytes; kept += 1024 * 1024)
    pool.give(std::vector<std::byte>(1024 * 1024));
  EXPECT_LE(pool.kept_bytes(), ChunkPool::kMaxKeptBytes);
  EXPECT_GT(pool.kept_bytes(), 0u);
  pool.clear();
  EXPECT_EQ(pool.kept_bytes(), 0u);
}

}  // namespace
}  // namespace lanspread::transport
