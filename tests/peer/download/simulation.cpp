#include "simulation.hpp"

#include <algorithm>

#include "peer/download/block_plan.hpp"

namespace lanspread::test {
namespace {
using peer::download::Block;
using peer::download::Scheduler;

struct Transfer {
  Scheduler::BlockIndex block;
  double remaining = 0;
  double delay_left = 0;
};

}  // namespace

SchedulerPolicy::SchedulerPolicy(std::vector<Block> blocks, std::size_t peers,
                                 Scheduler::Limits limits)
    : scheduler_(std::move(blocks), limits) {
  for (std::uint32_t peer = 0; peer < peers; ++peer)
    scheduler_.add_peer(PeerId(peer));
  scheduler_.check_invariants();
}

std::vector<SimPolicy::Assignment> SchedulerPolicy::assign(TimePoint now) {
  auto assignments = scheduler_.next_assignments(now);
  if (!assignments.empty())  // one that hands nothing out changes no count
    scheduler_.check_invariants();
  return assignments;
}

std::vector<SimPolicy::Assignment> SchedulerPolicy::completed(BlockIndex block, PeerId peer,
                                                              TimePoint now) {
  auto cancelled = scheduler_.completed(block, peer, now);
  scheduler_.check_invariants();
  return cancelled;
}

void SchedulerPolicy::corrupt(BlockIndex block, PeerId peer, TimePoint now) {
  scheduler_.corrupt(block, peer, now);
  scheduler_.check_invariants();
}

void SchedulerPolicy::remove_peer(PeerId peer) {
  scheduler_.remove_peer(peer);
  scheduler_.check_invariants();
}

RoundRobinPolicy::RoundRobinPolicy(std::vector<Block> blocks, std::size_t peers,
                                   std::size_t in_flight_per_peer)
    : blocks_(std::move(blocks)), next_(peers), in_flight_(peers), per_peer_(in_flight_per_peer) {
  for (std::size_t peer = 0; peer < peers; ++peer)
    next_[peer] = peer;
}

std::vector<SimPolicy::Assignment> RoundRobinPolicy::assign(TimePoint) {
  std::vector<Assignment> out;
  for (std::uint32_t peer = 0; peer < next_.size(); ++peer) {
    while (in_flight_[peer] < per_peer_ && next_[peer] < blocks_.size()) {
      out.push_back({BlockIndex(next_[peer]), PeerId(peer)});
      next_[peer] += next_.size();
      ++in_flight_[peer];
    }
  }
  return out;
}

std::vector<SimPolicy::Assignment> RoundRobinPolicy::completed(BlockIndex block, PeerId peer,
                                                               TimePoint) {
  --in_flight_[peer.value()];
  ++done_;
  verified_ += blocks_[block.value()].length;
  return {};
}

SimResult simulate(SimPolicy& policy, const std::vector<Block>& blocks,
                   const std::vector<SimPeer>& peers, const SimOptions& options) {
  const double tick = std::chrono::duration<double>(options.tick).count();
  const double delay = std::chrono::duration<double>(options.request_delay).count();
  std::vector<std::vector<Transfer>> transfers(peers.size());
  std::vector<bool> alive(peers.size(), true);
  SimResult result;
  Scheduler::TimePoint now{};
  double seconds = 0;

  const auto start = [&](const std::vector<SimPolicy::Assignment>& assignments) {
    for (const auto& a : assignments) {
      const auto length = blocks[a.block.value()].length;
      transfers[a.peer.value()].push_back({a.block, static_cast<double>(length), delay});
      result.bytes_sent += length;
    }
  };
  const auto cancel = [&](const std::vector<SimPolicy::Assignment>& cancelled) {
    for (const auto& c : cancelled) {
      auto& list = transfers[c.peer.value()];
      std::erase_if(list, [&](const Transfer& t) { return t.block == c.block; });
    }
  };

  start(policy.assign(now));
  while (!policy.finished() && !policy.failure() && seconds < options.give_up_after_seconds) {
    now += options.tick;
    seconds += tick;
    for (std::uint32_t peer = 0; peer < peers.size(); ++peer) {
      auto& list = transfers[peer];
      if (!alive[peer]) {
        list.clear();
        continue;
      }
      std::size_t streaming = 0;
      for (auto& t : list) {
        t.delay_left -= tick;
        streaming += t.delay_left <= 0 ? 1 : 0;
      }
      if (streaming == 0)
        continue;
      const double share = peers[peer].bytes_per_second * tick / static_cast<double>(streaming);
      std::vector<Scheduler::BlockIndex> arrived;
      for (auto& t : list) {
        if (t.delay_left > 0)
          continue;
        t.remaining -= share;
        if (t.remaining <= 0)
          arrived.push_back(t.block);
      }
      for (const auto block : arrived) {
        std::erase_if(list, [&](const Transfer& t) { return t.block == block; });
        if (peers[peer].sends_corrupt_blocks) {
          policy.corrupt(block, SimPolicy::PeerId(peer), now);
        } else {
          cancel(policy.completed(block, SimPolicy::PeerId(peer), now));
        }
      }
    }
    if (options.on_tick) {
      const auto was_alive = alive;
      options.on_tick(seconds, policy.verified_bytes(), alive);
      for (std::uint32_t peer = 0; peer < peers.size(); ++peer) {
        if (was_alive[peer] && !alive[peer])
          policy.remove_peer(SimPolicy::PeerId(peer));
      }
    }
    start(policy.assign(now));
  }
  result.seconds = seconds;
  result.finished = policy.finished();
  result.failure = policy.failure();
  return result;
}

std::vector<Block> mixed_game_blocks(std::uint64_t scale_down) {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  std::vector<std::uint64_t> sizes = {2048 * kMiB, 1024 * kMiB, 896 * kMiB};
  // 512 small and medium files (configs, maps, a readme): 1 KiB .. ~513 KiB.
  for (std::uint64_t i = 0; i < 512; ++i)
    sizes.push_back(1024 + (i * 7919 % 512) * 1024);
  std::vector<Block> blocks;
  for (std::uint32_t index = 0; index < sizes.size(); ++index) {
    peer::download::append_file_blocks(index, std::max<std::uint64_t>(sizes[index] / scale_down, 1),
                                       peer::download::kDefaultBlockSize, blocks);
  }
  return blocks;
}

}  // namespace lanspread::test
