#include "platform/udp_batch.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {
namespace {

// A non-blocking UDP socket bound to a free loopback port.
class LoopbackSocket {
 public:
  LoopbackSocket() : fd_(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd(), reinterpret_cast<sockaddr*>(&address_), sizeof address_) != 0)
      throw std::runtime_error("bind");
    socklen_t length = sizeof address_;
    getsockname(fd(), reinterpret_cast<sockaddr*>(&address_), &length);
    const int buffer = 4 * 1024 * 1024;  // hold every test burst
    setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  }

  int fd() const { return fd_.get(); }
  const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&address_); }
  socklen_t address_length() const { return sizeof address_; }
  std::uint16_t port() const { return ntohs(address_.sin_port); }

 private:
  UniqueFd fd_;
  sockaddr_in address_{};
};

// Datagram i of a burst is filled with a byte derived from i, so order and
// boundaries are both checked.
std::vector<std::uint8_t> burst(std::size_t count, std::size_t segment, std::size_t last) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < count; ++i) {
    const auto size = i + 1 == count ? last : segment;
    for (std::size_t j = 0; j < size; ++j)
      bytes.push_back(static_cast<std::uint8_t>(i * 7 + j));
  }
  return bytes;
}

// Receives until `count` datagrams arrived or 5 s passed.
std::vector<std::vector<std::uint8_t>> receive_all(UdpBatch& batch, int fd, std::size_t count,
                                                   std::uint16_t expected_port) {
  std::vector<std::vector<std::uint8_t>> datagrams;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (datagrams.size() < count && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{fd, POLLIN, 0};
    poll(&readable, 1, 100);
    std::error_code error;
    for (const auto& datagram : batch.receive(error)) {
      EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in*>(datagram.from)->sin_port),
                expected_port);
      datagrams.emplace_back(datagram.bytes.begin(), datagram.bytes.end());
    }
    EXPECT_FALSE(error) << error.message();
  }
  return datagrams;
}

void expect_burst(const std::vector<std::vector<std::uint8_t>>& datagrams, std::size_t count,
                  std::size_t segment, std::size_t last) {
  ASSERT_EQ(datagrams.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto size = i + 1 == count ? last : segment;
    ASSERT_EQ(datagrams[i].size(), size) << "datagram " << i;
    for (std::size_t j = 0; j < size; ++j)
      ASSERT_EQ(datagrams[i][j], static_cast<std::uint8_t>(i * 7 + j)) << "datagram " << i;
  }
}

void send_and_check(bool sender_offload, bool receiver_offload, std::size_t count,
                    std::size_t segment, std::size_t last) {
  LoopbackSocket sender_socket;
  LoopbackSocket receiver_socket;
  UdpBatch sender(sender_socket.fd(), sender_offload);
  UdpBatch receiver(receiver_socket.fd(), receiver_offload);
  if (sender_offload && !sender.send_offload())
    GTEST_SKIP() << "this kernel has no UDP_SEGMENT";
  if (receiver_offload && !receiver.receive_offload())
    GTEST_SKIP() << "this kernel has no UDP_GRO";
  const auto payload = burst(count, segment, last);
  ASSERT_EQ(
      sender.send(receiver_socket.address(), receiver_socket.address_length(), payload, segment),
      SendOutcome::Sent);
  expect_burst(receive_all(receiver, receiver_socket.fd(), count, sender_socket.port()), count,
               segment, last);
}

TEST(UdpBatchTest, SegmentedSendArrivesAsSeparateDatagramsInOrder) {
  // The receiver does not coalesce, so it sees each datagram the kernel cut.
  send_and_check(true, false, 40, 1452, 300);
}

TEST(UdpBatchTest, CoalescedReceiveIsSplitBackIntoDatagrams) {
  // On loopback a segmented send reaches a GRO socket as one buffer.
  send_and_check(true, true, 40, 1452, 300);
}

TEST(UdpBatchTest, LongBurstSpansSeveralSegmentRuns) {
  // More than one run can carry (64 datagrams, 65000 bytes).
  send_and_check(true, true, 150, 1200, 1200);
}

TEST(UdpBatchTest, WithoutOffloadEveryDatagramTravelsAlone) {
  LoopbackSocket socket;
  UdpBatch batch(socket.fd(), false);
  EXPECT_FALSE(batch.send_offload());
  EXPECT_FALSE(batch.receive_offload());
  // More datagrams than one sendmmsg call takes.
  send_and_check(false, false, 100, 1000, 17);
}

TEST(UdpBatchTest, SingleDatagramAndEmptyQueue) {
  LoopbackSocket sender_socket;
  LoopbackSocket receiver_socket;
  UdpBatch sender(sender_socket.fd(), true);
  UdpBatch receiver(receiver_socket.fd(), true);
  std::error_code error;
  EXPECT_TRUE(receiver.receive(error).empty());
  EXPECT_FALSE(error);
  const std::vector<std::uint8_t> one = burst(1, 0, 99);
  ASSERT_EQ(sender.send(receiver_socket.address(), receiver_socket.address_length(), one, 1452),
            SendOutcome::Sent);
  expect_burst(receive_all(receiver, receiver_socket.fd(), 1, sender_socket.port()), 1, 0, 99);
}

}  // namespace
}  // namespace lanspread::platform
