#include <gtest/gtest.h>
#include <signal.h>

#include <memory>

#include "event_log.hpp"
#include "mdns/discovery.hpp"
#include "namespace_pair.hpp"
#include "support/child_process.hpp"

namespace lanspread::mdns {
namespace {

using namespace std::chrono_literals;
using test::EventLog;
using test::NamespacePair;

const std::string kOurId(64, 'a');
const std::string kOtherId(64, 'b');

class MdnsNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = test::namespace_tests_unavailable())
      GTEST_SKIP() << *why;
    namespaces_ = std::make_unique<NamespacePair>();
  }

  // A Discovery living in the first namespace.
  std::unique_ptr<Discovery> start_discovery(EventLog& log, Options options = {}) {
    return NamespacePair::run_in(namespaces_->first(), [&] {
      return std::make_unique<Discovery>(Advertisement{kOurId, 1, 7001}, options, log.on_found(),
                                         log.on_lost());
    });
  }

  // The other peer, a separate process in the second namespace.
  std::unique_ptr<lanspread::test::ChildProcess> start_other_peer(int ttl_seconds) {
    auto peer = std::make_unique<lanspread::test::ChildProcess>(NamespacePair::exec_in(
        namespaces_->second(),
        {LANSPREAD_MDNS_TEST_PEER, kOtherId, "7002", std::to_string(ttl_seconds)}));
    EXPECT_TRUE(peer->wait_for_output("ready", 10s)) << peer->err();
    return peer;
  }

  void add_inbound_loss(const std::string& ns, int percent) {
    test::run_checked(NamespacePair::exec_in(
        ns, {"/usr/sbin/nft",
             "add table inet lanspread_loss; "
             "add chain inet lanspread_loss in { type filter hook input priority 0; }; "
             "add rule inet lanspread_loss in udp dport 5353 numgen random mod 100 < " +
                 std::to_string(percent) + " drop"}));
  }

  // Declared first: destroyed after the processes and Discovery objects in
  // the tests, which end first.
  std::unique_ptr<NamespacePair> namespaces_;
};

TEST_F(MdnsNamespaceTest, PeersInTwoNamespacesFindEachOtherAndGoodbyeLosesAtOnce) {
  EventLog log;
  auto other = start_other_peer(120);
  const auto started = std::chrono::steady_clock::now();
  auto discovery = start_discovery(log);

  const auto found = log.wait_found(kOtherId, 5s);
  ASSERT_TRUE(found) << "the other peer was not found within 5 s";
  const auto found_after = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(found->interface_name, "eth0");
  EXPECT_EQ(found->protocol_version, 1u);
  ASSERT_EQ(found->endpoints.size(), 1u);
  EXPECT_EQ(found->endpoints[0],
            asio::ip::udp::endpoint(asio::ip::make_address(NamespacePair::kSecondAddress), 7002));
  EXPECT_TRUE(other->wait_for_output("found " + kOurId + " 10.77.0.1:7001", 5s)) << other->out();

  other->send_signal(SIGTERM);
  const auto goodbye = std::chrono::steady_clock::now();
  ASSERT_TRUE(log.wait_lost(kOtherId, 3s)) << "no loss within 3 s of a goodbye";
  const auto lost_after = std::chrono::steady_clock::now() - goodbye;
  std::printf("found after %lld ms; goodbye to lost %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(found_after).count()),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(lost_after).count()));
  EXPECT_EQ(other->wait_exit(5s), 0);
  EXPECT_LT(lost_after, 2s);
}

TEST_F(MdnsNamespaceTest, KilledPeerIsLostWhenItsRecordsExpire) {
  constexpr int kTtlSeconds = 4;
  EventLog log;
  auto other = start_other_peer(kTtlSeconds);
  auto discovery = start_discovery(log);
  ASSERT_TRUE(log.wait_found(kOtherId, 5s));
  // Past its announcements, into the refresh cycle.
  ASSERT_FALSE(log.wait_lost(kOtherId, std::chrono::seconds(2 * kTtlSeconds)))
      << "a live peer must be kept alive by refreshes";

  other->send_signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(log.wait_lost(kOtherId, std::chrono::seconds(kTtlSeconds + 2)));
  const auto lost_after = std::chrono::steady_clock::now() - killed;
  std::printf("SIGKILL to lost: %lld ms (TTL %d s)\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(lost_after).count()),
              kTtlSeconds);
}

TEST_F(MdnsNamespaceTest, DiscoveryHappensWithThirtyPercentLoss) {
  add_inbound_loss(namespaces_->first(), 30);
  for (int round = 0; round < 5; ++round) {
    EventLog log;
    auto other = start_other_peer(120);
    const auto started = std::chrono::steady_clock::now();
    auto discovery = start_discovery(log);
    ASSERT_TRUE(log.wait_found(kOtherId, 20s)) << "round " << round;
    ASSERT_TRUE(other->wait_for_output("found " + kOurId, 20s)) << "round " << round;
    std::printf("round %d: both found after %lld ms with 30%% inbound loss\n", round,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()));
    discovery->stop();
    other->send_signal(SIGTERM);
    other->wait_exit(5s);
  }
}

TEST_F(MdnsNamespaceTest, InterfacesOutsideOnlyInterfacesAreNotUsed) {
  EventLog log;
  auto other = start_other_peer(120);
  Options options;
  options.only_interfaces = {"eth1"};
  auto discovery = start_discovery(log, options);
  EXPECT_FALSE(log.wait_found(kOtherId, 2s)) << "found over an interface it was told not to use";
}

TEST_F(MdnsNamespaceTest, StopReturnsEvenWhenAnInterfacePollIsDueAtThatMoment) {
  // A poll that had already fired when stop() cancelled its timer used to
  // re-arm it, and the worker thread never finished. With no poll interval
  // a fired poll is queued nearly all the time; a regression hangs here
  // until the ctest timeout.
  Options options;
  options.interface_poll_interval = 0ms;
  options.only_interfaces = {"eth1"};  // none: only the poll timer runs
  for (int round = 0; round < 300; ++round) {
    EventLog log;
    auto discovery = start_discovery(log, options);
    discovery->stop();
  }
}

TEST_F(MdnsNamespaceTest, TwoInstancesInOneNamespaceFindEachOtherOverLoopback) {
  Options options;
  options.include_loopback = true;
  options.only_interfaces = {"lo"};
  EventLog first_log;
  EventLog second_log;
  auto start = [&](const std::string& id, std::uint16_t port, EventLog& log) {
    return NamespacePair::run_in(namespaces_->first(), [&] {
      return std::make_unique<Discovery>(Advertisement{id, 1, port}, options, log.on_found(),
                                         log.on_lost());
    });
  };
  auto first = start(kOurId, 7001, first_log);
  auto second = start(kOtherId, 7002, second_log);
  const auto found = first_log.wait_found(kOtherId, 5s);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->interface_name, "lo");
  ASSERT_EQ(found->endpoints.size(), 1u);
  EXPECT_EQ(found->endpoints[0],
            asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 7002));
  ASSERT_TRUE(second_log.wait_found(kOurId, 5s));
  second->stop();
  EXPECT_TRUE(first_log.wait_lost(kOtherId, 3s));
}

}  // namespace
}  // namespace lanspread::mdns
