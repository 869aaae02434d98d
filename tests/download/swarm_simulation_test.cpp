// Eight downloaders of one seeder, trading blocks (see swarm_simulation.hpp),
// against one downloader alone and against eight that do not trade.
#include "swarm_simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iomanip>

#include "simulation.hpp"

namespace lanspread::test {
namespace {

constexpr double kMbit = 1e6 / 8;  // bytes per second

double last_of(const SwarmResult& result) {
  return *std::max_element(result.finish_seconds.begin(), result.finish_seconds.end());
}

TEST(SchedulerSimulation, SwarmOfEightFinishesWithinTwiceTheSingleDownloaderTime) {
  // 256 MiB: the mixed game scaled down, so the three runs take about a second.
  const auto blocks = mixed_game_blocks(16);
  SwarmOptions swarm;
  swarm.downloaders = 8;
  swarm.seeder_uplink = 200 * kMbit;
  swarm.downloader_link = 200 * kMbit;
  auto alone = swarm;
  alone.downloaders = 1;
  auto no_swarm = swarm;
  no_swarm.downloaders_trade = false;

  const auto with_trading = simulate_swarm(blocks, swarm);
  const auto single = simulate_swarm(blocks, alone);
  const auto without_trading = simulate_swarm(blocks, no_swarm);
  ASSERT_TRUE(with_trading.finished);
  ASSERT_TRUE(single.finished);
  ASSERT_TRUE(without_trading.finished);

  std::uint64_t game = 0;
  for (const auto& block : blocks)
    game += block.length;
  std::cout << std::fixed << std::setprecision(2)
            << "one downloader alone: " << single.finish_seconds[0] << " s\n";
  for (std::size_t d = 0; d < swarm.downloaders; ++d) {
    std::cout << "downloader " << d << ": swarm " << with_trading.finish_seconds[d]
              << " s, no swarm " << without_trading.finish_seconds[d] << " s\n";
  }
  std::cout << "seeder sent "
            << static_cast<double>(with_trading.seeder_bytes) / static_cast<double>(game)
            << "x the game with the swarm, "
            << static_cast<double>(without_trading.seeder_bytes) / static_cast<double>(game)
            << "x without\n";

  EXPECT_LE(last_of(with_trading), 2 * single.finish_seconds[0]);
  // The model must show the shared seeder as the bottleneck without trading.
  EXPECT_GE(last_of(without_trading), 6 * single.finish_seconds[0]);
}

}  // namespace
}  // namespace lanspread::test
