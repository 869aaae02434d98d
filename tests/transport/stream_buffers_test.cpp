#include <gtest/gtest.h>

#include <numeric>
#include <vector>

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
  const auto all = counting(300 * 1024);
  // Small writes share a chunk; a large one gets its own.
  queue.push(std::span(all).first(100));
  queue.push(std::span(all).subspan(100, 900));
  queue.push(std::span(all).subspan(1000));
  EXPECT_EQ(queue.queued(), all.size());
  EXPECT_EQ(gather(queue), all);

  queue.mark_sent(1500);
  auto rest = gather(queue);
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + 1500));
  EXPECT_EQ(rest.size(), all.size() - 1500);

  // Acknowledged bytes count at once, though their chunk stays until it is
  // wholly acknowledged (the bytes after 500 may still be resent from it).
  queue.acknowledge_to(500);
  EXPECT_EQ(queue.unacknowledged(), all.size() - 500);
  rest = gather(queue);
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + 1500));
  queue.acknowledge_to(1000);
  EXPECT_EQ(queue.unacknowledged(), all.size() - 1000);

  queue.mark_sent(all.size() - 1500);
  EXPECT_FALSE(queue.has_unsent());
  EXPECT_TRUE(gather(queue).empty());
  queue.acknowledge_to(all.size());
  EXPECT_EQ(queue.unacknowledged(), 0u);

  // After everything went, new bytes are sent from where the stream is.
  const auto later = counting(10, 7);
  queue.push(later);
  EXPECT_EQ(gather(queue), later);
}

}  // namespace
}  // namespace lanspread::transport
