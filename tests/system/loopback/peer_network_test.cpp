#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <regex>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "system/loopback/test_peer.hpp"

// Several peer runtimes on loopback, introduced by address, over real QUIC.
namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class PeerNetworkTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
};

TEST_F(PeerNetworkTest, APeerGivenByAddressIsFoundWithItsGames) {
  TestPeer a(dir_ / "a");
  TestPeer b(dir_ / "b");
  a.add_game("cs16", "1");
  b.add_game("quake3", "1.32");
  a.start();
  b.start();

  a.send(command::AddPeer{b.address()});
  const auto found = a.events.wait_for<event::PeerDiscovered>(kTimeout);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->peer_id, b.id());
  EXPECT_EQ(found->address, b.address());
  const auto count = a.events.wait_for<event::PeerCount>(kTimeout);
  ASSERT_TRUE(count);
  EXPECT_EQ(count->count, 1u);

  const auto view = a.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const auto& v) { return find_game(v, "quake3") != nullptr; });
  ASSERT_TRUE(view);
  const auto* quake = find_game(*view, "quake3");
  EXPECT_EQ(quake->peer_count, 1u);
  EXPECT_EQ(quake->game.version, "1.32");
  EXPECT_FALSE(quake->local);
  // Titles only this machine has stay in the one list.
  const auto* cs = find_game(*view, "cs16");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->peer_count, 0u);
  EXPECT_TRUE(cs->local);
}

TEST_F(PeerNetworkTest, APeersNewGameReachesTheOthersThroughPings) {
  TestPeer a(dir_ / "a");
  TestPeer b(dir_ / "b");
  a.start();
  b.start();
  a.send(command::AddPeer{b.address()});
  ASSERT_TRUE(a.events.wait_for<event::PeerDiscovered>(kTimeout));

  b.add_game("cs16", "20240101");
  const auto view = a.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const auto& v) { return find_game(v, "cs16") != nullptr; });
  ASSERT_TRUE(view);
  EXPECT_EQ(find_game(*view, "cs16")->game.version, "20240101");

  // A newer version on the peer shows as an update of the local copy.
  a.add_game("cs16", "20231201");
  const auto update =
      a.events.wait_for<event::AggregatedLibraryChanged>(kTimeout, [](const auto& v) {
        const auto* game = find_game(v, "cs16");
        return game != nullptr && game->local && game->local->downloaded;
      });
  ASSERT_TRUE(update);
  EXPECT_TRUE(find_game(*update, "cs16")->update_available);
}

TEST_F(PeerNetworkTest, ACleanStopIsNoticedBeforeThePingTimeout) {
  TestPeer a(dir_ / "a");
  TestPeer b(dir_ / "b");
  b.add_game("quake3", "1");
  a.start();
  b.start();
  a.send(command::AddPeer{b.address()});
  ASSERT_TRUE(a.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const auto& v) { return find_game(v, "quake3") != nullptr; }));

  const auto stopped_at = std::chrono::steady_clock::now();
  b.stop();
  const auto lost = a.events.wait_for<event::PeerLost>(kTimeout);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->peer_id, b.id());
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, kPeerTimeout);
  const auto count = a.events.wait_for<event::PeerCount>(kTimeout);
  ASSERT_TRUE(count);
  EXPECT_EQ(count->count, 0u);
  const auto view = a.events.wait_for<event::AggregatedLibraryChanged>(kTimeout);
  ASSERT_TRUE(view);
  EXPECT_EQ(find_game(*view, "quake3"), nullptr);
}

TEST_F(PeerNetworkTest, AKilledPeerIsDroppedAfterTheTimeoutAndFoundAgainWhenItReturns) {
  TestPeer a(dir_ / "a");
  a.start();
  fs::create_directories(dir_ / "b/games");
  const std::vector<std::string> serve = {LANSPREAD_BINARY, "--no-mdns",
                                          "--games",        (dir_ / "b/games").string(),
                                          "--state",        (dir_ / "b/state").string(),
                                          "--port",         "0",
                                          "serve"};
  auto b = std::make_unique<test::ChildProcess>(serve);
  ASSERT_TRUE(b->wait_for_output("listening on UDP port", kTimeout)) << b->err();
  std::smatch match;
  const std::string log = b->err();
  ASSERT_TRUE(
      std::regex_search(log, match, std::regex("peer (\\w+) listening on UDP port (\\d+)")));
  const std::string b_id = match[1];
  const std::string b_port = match[2];

  a.send(command::AddPeer{"127.0.0.1:" + b_port});
  const auto found = a.events.wait_for<event::PeerDiscovered>(kTimeout);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->peer_id, b_id);

  b->kill();
  b->wait_exit(kTimeout);
  const auto killed_at = std::chrono::steady_clock::now();
  const auto lost = a.events.wait_for<event::PeerLost>(kTimeout);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->peer_id, b_id);
  // No goodbye: only the ping timeout can tell.
  EXPECT_GE(std::chrono::steady_clock::now() - killed_at, kPeerTimeout - 200ms);

  std::vector<std::string> again = serve;
  again[7] = b_port;  // the address a was given
  b = std::make_unique<test::ChildProcess>(again);
  ASSERT_TRUE(b->wait_for_output("listening on UDP port", kTimeout)) << b->err();
  const auto back = a.events.wait_for<event::PeerDiscovered>(kTimeout);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->peer_id, b_id);
}

TEST_F(PeerNetworkTest, ABadAddressIsRefusedWithAReason) {
  TestPeer a(dir_ / "a");
  a.start();
  a.send(command::AddPeer{"not an address"});
  const auto failed = a.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->command, "add-peer");
  EXPECT_NE(failed->reason.find("host:port"), std::string::npos) << failed->reason;
}

}  // namespace
}  // namespace lanspread::peer
