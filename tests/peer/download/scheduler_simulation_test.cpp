// The scheduler against simulated peers (see simulation.hpp), compared with
// the original's plain round-robin on the same game and peers.
#include <gtest/gtest.h>

#include "simulation.hpp"

namespace lanspread::test {
namespace {
using peer::download::Block;
using peer::download::Scheduler;

constexpr double kMbit = 1e6 / 8;  // bytes per second

std::uint64_t total_of(const std::vector<Block>& blocks) {
  std::uint64_t total = 0;
  for (const auto& block : blocks)
    total += block.length;
  return total;
}

const std::vector<SimPeer> kThreePeers = {{100 * kMbit}, {300 * kMbit}, {600 * kMbit}};

TEST(SchedulerSimulationTest, MixedGameFinishesNearTheIdealAndBeatsRoundRobin) {
  const auto blocks = mixed_game_blocks();
  const auto total = static_cast<double>(total_of(blocks));
  ASSERT_GT(total, 3.9 * (1ull << 30));
  const double ideal = total / (1000 * kMbit);

  SchedulerPolicy adaptive(blocks, kThreePeers.size());
  const auto ours = simulate(adaptive, blocks, kThreePeers);
  RoundRobinPolicy round_robin(blocks, kThreePeers.size(), 2);
  const auto theirs = simulate(round_robin, blocks, kThreePeers);

  ASSERT_TRUE(ours.finished);
  ASSERT_TRUE(theirs.finished);
  std::cout << "ideal " << ideal << " s, adaptive " << ours.seconds << " s, round-robin "
            << theirs.seconds << " s (" << theirs.seconds / ours.seconds << "x slower), "
            << "duplicate bytes " << (static_cast<double>(ours.bytes_sent) - total) / 1e6
            << " MB\n";
  EXPECT_LE(ours.seconds, 1.10 * ideal);
  EXPECT_GE(theirs.seconds / ours.seconds, 2.8);
  // The end game costs a few duplicated blocks, not a share of the game.
  EXPECT_LT(static_cast<double>(ours.bytes_sent), total * 1.01);
}

TEST(SchedulerSimulationTest, APeerDyingHalfwayCostsOnlyItsShareOfWhatRemains) {
  const auto blocks = mixed_game_blocks();
  const auto total = static_cast<double>(total_of(blocks));
  double died_at = 0;
  std::uint64_t verified_at_death = 0;
  SimOptions options;
  options.on_tick = [&](double seconds, std::uint64_t verified, std::vector<bool>& alive) {
    if (alive[2] && static_cast<double>(verified) >= total / 2) {
      alive[2] = false;
      died_at = seconds;
      verified_at_death = verified;
    }
  };
  SchedulerPolicy adaptive(blocks, kThreePeers.size());
  const auto result = simulate(adaptive, blocks, kThreePeers, options);
  ASSERT_TRUE(result.finished) << result.failure.value_or("");
  ASSERT_GT(died_at, 0);
  const double ideal =
      died_at + (total - static_cast<double>(verified_at_death)) / ((100 + 300) * kMbit);
  std::cout << "peer died at " << died_at << " s; finished " << result.seconds << " s, ideal "
            << ideal << " s\n";
  EXPECT_LE(result.seconds, 1.10 * ideal);
}

TEST(SchedulerSimulationTest, APeerSendingCorruptBlocksIsDroppedAndTheGameStillArrives) {
  const auto blocks = mixed_game_blocks();
  const auto total = static_cast<double>(total_of(blocks));
  auto peers = kThreePeers;
  peers[1].sends_corrupt_blocks = true;
  SchedulerPolicy adaptive(blocks, peers.size());
  const auto result = simulate(adaptive, blocks, peers);
  ASSERT_TRUE(result.finished) << result.failure.value_or("");
  EXPECT_EQ(adaptive.scheduler().progress().verified_bytes, total_of(blocks));
  EXPECT_EQ(adaptive.scheduler().slot_limit(Scheduler::PeerId(1)), 0u)
      << "the corrupting peer was dropped";
  const double ideal = total / ((100 + 600) * kMbit);
  std::cout << "with a corrupting peer: " << result.seconds << " s, ideal without it " << ideal
            << " s\n";
  EXPECT_LE(result.seconds, 1.10 * ideal);
}

TEST(SchedulerSimulationTest, AVerySlowPeerDoesNotHoldTheTail) {
  // 256 MiB from two fast peers and one at 1 Mbit/s, which needs 8 s for a
  // single block: without the end game its last blocks set the finish time.
  const auto blocks = mixed_game_blocks(16);
  const auto total = static_cast<double>(total_of(blocks));
  const std::vector<SimPeer> peers = {{1 * kMbit}, {600 * kMbit}, {600 * kMbit}};
  const double ideal = total / (1201 * kMbit);

  SchedulerPolicy adaptive(blocks, peers.size());
  const auto ours = simulate(adaptive, blocks, peers);
  Scheduler::Limits no_end_game;
  no_end_game.max_copies = 1;
  SchedulerPolicy without(blocks, peers.size(), no_end_game);
  const auto theirs = simulate(without, blocks, peers);

  ASSERT_TRUE(ours.finished);
  ASSERT_TRUE(theirs.finished);
  std::cout << "slow peer: ideal " << ideal << " s, with end game " << ours.seconds
            << " s, without " << theirs.seconds << " s\n";
  EXPECT_LE(ours.seconds, 1.10 * ideal);
  EXPECT_GE(theirs.seconds, 3 * ideal) << "the simulation must show the slow tail";
}

}  // namespace
}  // namespace lanspread::test
