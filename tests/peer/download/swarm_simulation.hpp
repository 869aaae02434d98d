#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "peer/download/block.hpp"

namespace lanspread::test {

// A discrete-time model of a swarm: one seeder and several downloaders of
// one game, each downloader driving its own Scheduler. Every node has an
// uplink and every downloader a downlink of fixed bandwidth; transfers share
// them max-min fairly (the flows TCP-like congestion control converges to).
// A downloader serves the blocks it has verified, and learns which blocks the
// others have by polling their maps every `map_interval`. Deterministic.
struct SwarmOptions {
  std::size_t downloaders = 8;
  double seeder_uplink = 0;       // bytes per second
  double downloader_link = 0;     // each way, bytes per second
  bool downloaders_trade = true;  // false: each sees only the seeder
  // Each downloader's Limits::first_block; empty: spread evenly.
  std::vector<std::size_t> first_blocks;
  std::chrono::microseconds tick{2000};
  std::chrono::microseconds request_delay{2000};
  std::chrono::milliseconds map_interval{1000};
  double give_up_after_seconds = 3600;
};

struct SwarmResult {
  std::vector<double> finish_seconds;  // per downloader; 0 if it did not finish
  std::uint64_t seeder_bytes = 0;      // sent by the seeder
  bool finished = false;
};

SwarmResult simulate_swarm(const std::vector<peer::download::Block>& blocks,
                           const SwarmOptions& options);

}  // namespace lanspread::test
