// The multicast socket and Discovery on this host's real interfaces, on
// Linux and on Windows (under wine on Linux's network stack).
#include <gtest/gtest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "mdns/discovery.hpp"
#include "mdns/multicast_socket.hpp"
#include "platform/multicast_socket.hpp"
#include "platform/network_interfaces.hpp"

namespace lanspread::mdns {
namespace {

using namespace std::chrono_literals;

struct RealInterface {
  std::string name;
  unsigned index = 0;
  asio::ip::address_v4 address;
};

// The interfaces a LAN peer would run on: up, multicast, not loopback, with
// an IPv4 address (Discovery's choice without include_loopback); with
// `loopback`, the loopback interface instead.
std::vector<RealInterface> interfaces_with_ipv4(bool loopback) {
  std::vector<RealInterface> found;
  const auto interfaces = platform::list_network_interfaces();
  if (!interfaces)
    return found;
  for (const auto& candidate : *interfaces) {
    if (!candidate.up || candidate.index == 0 || candidate.loopback != loopback ||
        (!loopback && !candidate.multicast)) {
      continue;
    }
    for (const auto& address : candidate.addresses) {
      if (address.address.is_v4()) {
        found.push_back({candidate.name, candidate.index, address.address.to_v4()});
        break;
      }
    }
  }
  return found;
}

std::vector<RealInterface> real_multicast_interfaces() {
  return interfaces_with_ipv4(false);
}

std::vector<std::uint8_t> random_payload() {
  std::random_device random;
  std::vector<std::uint8_t> bytes(32);
  for (auto& byte : bytes)
    byte = static_cast<std::uint8_t>(random());
  return bytes;
}

// Runs `io` until a datagram equal to `payload` arrives or 5 s pass.
std::optional<platform::MulticastDatagram> receive_matching(
    asio::io_context& io, platform::MulticastSocket& socket,
    const std::vector<std::uint8_t>& payload, std::vector<std::uint8_t>& buffer) {
  std::optional<platform::MulticastDatagram> match;
  std::function<void(const std::error_code&)> on_readable = [&](const std::error_code& error) {
    if (error)
      return;
    std::error_code receive_error;
    while (auto datagram = socket.receive(buffer, receive_error)) {
      if (std::equal(datagram->bytes.begin(), datagram->bytes.end(), payload.begin(),
                     payload.end())) {
        match = *datagram;
        return;
      }
    }
    socket.async_wait_readable(on_readable);
  };
  socket.async_wait_readable(on_readable);
  io.restart();  // a previous call ran it out of work
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!match && std::chrono::steady_clock::now() < deadline)
    io.run_for(50ms);
  return match;
}

// Multicast loop brings a socket's own datagram back to it: the OS says on
// which interface it arrived, from which address, and with the TTL it left
// with. One socket per interface, on a free port, so nothing else on the
// host (an mDNS responder on 5353) sees the test's traffic.
TEST(MulticastSocketTest, ReceivesItsOwnMulticastWithTheInterfaceItLeftBy) {
  const auto interfaces = real_multicast_interfaces();
  if (interfaces.empty())
    GTEST_SKIP() << "this host has no multicast interface with an IPv4 address";
  for (const auto& link : interfaces) {
    SCOPED_TRACE(link.name);
    asio::io_context io;
    auto socket = platform::MulticastSocket::open(io, 0);
    ASSERT_TRUE(socket) << socket.error().message();
    ASSERT_NE(socket->local_port(), 0);
    ASSERT_FALSE(socket->join(kMdnsGroupV4, link.index, link.address));
    EXPECT_FALSE(socket->join(kMdnsGroupV4, link.index, link.address)) << "joining twice is fine";

    const auto payload = random_payload();
    const asio::ip::udp::endpoint group(kMdnsGroupV4, socket->local_port());
    ASSERT_FALSE(socket->send(payload, group, link.index, link.address));
    std::vector<std::uint8_t> buffer(9000);
    const auto received = receive_matching(io, *socket, payload, buffer);
    ASSERT_TRUE(received) << "our own multicast did not come back within 5 s";
    EXPECT_EQ(received->interface_index, link.index);
    EXPECT_EQ(received->source, asio::ip::udp::endpoint(link.address, socket->local_port()));
    EXPECT_FALSE(received->truncated);
    if (socket->reports_ttl()) {
      ASSERT_TRUE(received->ttl);
      EXPECT_EQ(*received->ttl, 255);
    }
    socket->leave(kMdnsGroupV4, link.index, link.address);
  }
}

// With the group joined on two interfaces, each datagram leaves by the one
// its send names, not by the default route's.
TEST(MulticastSocketTest, EachSendLeavesByTheInterfaceItNames) {
  const auto real = real_multicast_interfaces();
  const auto loopback = interfaces_with_ipv4(true);
  if (real.empty() || loopback.empty())
    GTEST_SKIP() << "this host lacks a multicast interface or loopback with an IPv4 address";
  asio::io_context io;
  auto socket = platform::MulticastSocket::open(io, 0);
  ASSERT_TRUE(socket) << socket.error().message();
  for (const auto* link : {&real.front(), &loopback.front()})
    ASSERT_FALSE(socket->join(kMdnsGroupV4, link->index, link->address)) << link->name;
  std::vector<std::uint8_t> buffer(9000);
  for (const auto* link : {&loopback.front(), &real.front(), &loopback.front()}) {
    SCOPED_TRACE(link->name);
    const auto payload = random_payload();
    ASSERT_FALSE(
        socket->send(payload, {kMdnsGroupV4, socket->local_port()}, link->index, link->address));
    const auto received = receive_matching(io, *socket, payload, buffer);
    ASSERT_TRUE(received) << "our own multicast did not come back within 5 s";
    EXPECT_EQ(received->interface_index, link->index);
    EXPECT_EQ(received->source.address(), link->address);
  }
}

// A datagram larger than the buffer is reported as truncated, not passed on
// as a whole one.
TEST(MulticastSocketTest, ATooLargeDatagramIsMarkedTruncated) {
  const auto interfaces = real_multicast_interfaces();
  if (interfaces.empty())
    GTEST_SKIP() << "this host has no multicast interface with an IPv4 address";
  const auto& link = interfaces.front();
  asio::io_context io;
  auto socket = platform::MulticastSocket::open(io, 0);
  ASSERT_TRUE(socket) << socket.error().message();
  ASSERT_FALSE(socket->join(kMdnsGroupV4, link.index, link.address));
  const auto payload = random_payload();
  ASSERT_FALSE(
      socket->send(payload, {kMdnsGroupV4, socket->local_port()}, link.index, link.address));
  std::vector<std::uint8_t> buffer(payload.size() / 2);
  std::optional<platform::MulticastDatagram> received;
  std::error_code error;
  std::function<void(const std::error_code&)> on_readable = [&](const std::error_code& waited) {
    if (waited)
      return;
    received = socket->receive(buffer, error);
    if (!received && !error)
      socket->async_wait_readable(on_readable);
  };
  socket->async_wait_readable(on_readable);
  io.run_for(5s);
  ASSERT_FALSE(error) << error.message();
  ASSERT_TRUE(received);
  EXPECT_TRUE(received->truncated);
  EXPECT_EQ(received->bytes.size(), buffer.size());
}

// The engine drops a response whose TTL is not 255 (RFC 6762 §11). A
// datagram without a TTL on a system that reports them is dropped too; on
// one that reports none (Windows without IP_RECVTTL) only the source address
// decides.
TEST(MulticastSocketTest, AMissingTtlIsDroppedUnlessTheSystemReportsNone) {
  platform::MulticastDatagram datagram;
  datagram.ttl = 64;
  EXPECT_EQ(hop_limit_for_engine(datagram, true), 64);
  datagram.ttl = 255;
  EXPECT_EQ(hop_limit_for_engine(datagram, true), 255);
  datagram.ttl.reset();
  EXPECT_EQ(hop_limit_for_engine(datagram, true), -1);
  EXPECT_EQ(hop_limit_for_engine(datagram, false), 255);
}

// Two Discovery instances on one host share port 5353 and see each other
// through multicast loop on a real interface, with that interface's address;
// a stopped one says goodbye and is lost.
TEST(DiscoveryTest, TwoInstancesOnThisHostFindEachOtherOverARealInterface) {
  const auto interfaces = real_multicast_interfaces();
  if (interfaces.empty())
    GTEST_SKIP() << "this host has no multicast interface with an IPv4 address";
  const auto& link = interfaces.front();
  Options options;
  options.only_interfaces = {link.name};
  options.timing.goodbye_grace = 200ms;
  // Random ids: a run of this test never takes a leftover of another for
  // its peer.
  std::mt19937_64 random(std::random_device{}());
  const auto make_id = [&] {
    std::string id;
    for (int i = 0; i < 64; ++i)
      id += "0123456789abcdef"[random() % 16];
    return id;
  };
  const std::string first_id = make_id();
  const std::string second_id = make_id();

  test::EventLog first_log;
  test::EventLog second_log;
  Discovery first({first_id, 1, 7001}, options, first_log.on_found(), first_log.on_lost());
  auto second = std::make_unique<Discovery>(Advertisement{second_id, 1, 7002}, options,
                                            second_log.on_found(), second_log.on_lost());

  const auto found_by_first = first_log.wait_found(second_id, 10s);
  ASSERT_TRUE(found_by_first) << "the second instance was not found within 10 s";
  EXPECT_EQ(found_by_first->interface_name, link.name);
  EXPECT_EQ(found_by_first->protocol_version, 1u);
  const std::vector<asio::ip::udp::endpoint> second_endpoints{{link.address, 7002}};
  EXPECT_EQ(found_by_first->endpoints, second_endpoints);
  const auto found_by_second = second_log.wait_found(first_id, 10s);
  ASSERT_TRUE(found_by_second) << "the first instance was not found within 10 s";
  const std::vector<asio::ip::udp::endpoint> first_endpoints{{link.address, 7001}};
  EXPECT_EQ(found_by_second->endpoints, first_endpoints);

  second->stop();
  EXPECT_TRUE(first_log.wait_lost(second_id, 5s)) << "no loss within 5 s of a goodbye";
}

}  // namespace
}  // namespace lanspread::mdns
