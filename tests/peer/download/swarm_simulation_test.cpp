// Eight downloaders of one seeder, trading blocks (see swarm_simulation.hpp),
// against one downloader alone and against eight that do not trade.
#include "swarm_simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iomanip>
#include <random>

#include "simulation.hpp"

namespace lanspread::test {
namespace {

constexpr double kMbit = 1e6 / 8;  // bytes per second

double last_of(const SwarmResult& result) {
  return *std::max_element(result.finish_seconds.begin(), result.finish_seconds.end());
}

TEST(SchedulerSimulation, SwarmOfEightFinishesWithinTwiceTheSingleDownloaderTime) {
  // 256 MiB: the mixed game scaled down, so the runs take well under a second.
  const auto blocks = mixed_game_blocks(16);
  SwarmOptions swarm;
  swarm.downloaders = 8;
  swarm.seeder_uplink = 200 * kMbit;
  swarm.downloader_link = 200 * kMbit;
  auto alone = swarm;
  alone.downloaders = 1;
  auto no_swarm = swarm;
  no_swarm.downloaders_trade = false;
  // As the runtime does: random first blocks (a fixed seed: deterministic).
  auto random_starts = swarm;
  std::mt19937 random(20261124);
  std::uniform_int_distribution<std::size_t> any_block(0, blocks.size() - 1);
  for (std::size_t d = 0; d < swarm.downloaders; ++d)
    random_starts.first_blocks.push_back(any_block(random));

  const auto with_trading = simulate_swarm(blocks, swarm);
  const auto randomly_started = simulate_swarm(blocks, random_starts);
  const auto single = simulate_swarm(blocks, alone);
  const auto without_trading = simulate_swarm(blocks, no_swarm);
  ASSERT_TRUE(with_trading.finished);
  ASSERT_TRUE(randomly_started.finished);
  ASSERT_TRUE(single.finished);
  ASSERT_TRUE(without_trading.finished);

  std::uint64_t game = 0;
  for (const auto& block : blocks)
    game += block.length;
  const auto share = [&](const SwarmResult& result) {
    return static_cast<double>(result.seeder_bytes) / static_cast<double>(game);
  };
  std::cout << std::fixed << std::setprecision(2)
            << "one downloader alone: " << single.finish_seconds[0] << " s\n";
  for (std::size_t d = 0; d < swarm.downloaders; ++d) {
    std::cout << "downloader " << d << ": swarm " << with_trading.finish_seconds[d]
              << " s, swarm with random first blocks " << randomly_started.finish_seconds[d]
              << " s, no swarm " << without_trading.finish_seconds[d] << " s\n";
  }
  std::cout << "seeder sent (x the game): alone " << share(single) << ", swarm "
            << share(with_trading) << ", swarm with random first blocks " << share(randomly_started)
            << ", no swarm " << share(without_trading) << "\n";

  EXPECT_LE(last_of(with_trading), 2 * single.finish_seconds[0]);
  EXPECT_LE(last_of(randomly_started), 2 * single.finish_seconds[0]);
  // The model must show the shared seeder as the bottleneck without trading.
  EXPECT_GE(last_of(without_trading), 6 * single.finish_seconds[0]);
}

}  // namespace
}  // namespace lanspread::test
