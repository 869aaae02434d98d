#include "swarm_simulation.hpp"

#include <algorithm>
#include <limits>

#include "peer/download/scheduler.hpp"

namespace lanspread::test {
namespace {
using peer::download::Block;
using peer::download::Scheduler;

struct Transfer {
  std::size_t from = 0;  // node: 0 is the seeder, downloader d is node d + 1
  std::size_t to = 0;
  Scheduler::BlockIndex block;
  double remaining = 0;
  double delay_left = 0;
  double rate = 0;
  bool frozen = false;
};

struct Downloader {
  Scheduler scheduler;
  std::vector<bool> has;  // verified blocks, which it serves
  bool done = false;
  double finished_at = 0;
  // As the runtime: the scheduler is asked again after an outcome or a map.
  bool changed = true;
};

// A node as a downloader's scheduler knows it.
Scheduler::PeerId node_id(std::size_t node) {
  return Scheduler::PeerId(static_cast<std::uint32_t>(node));
}

// Max-min fair rates by progressive filling: every flow not yet limited
// grows at the same pace until a link is full, which limits its flows.
// Links: node n's uplink is n, its downlink is nodes + n.
void share_links(std::vector<Transfer*>& flows, const std::vector<double>& capacity,
                 std::size_t nodes) {
  std::vector<double> left = capacity;
  std::vector<std::size_t> users(capacity.size(), 0);
  for (auto* flow : flows) {
    flow->rate = 0;
    flow->frozen = false;
    ++users[flow->from];
    ++users[nodes + flow->to];
  }
  std::size_t growing = flows.size();
  std::vector<bool> full(left.size());
  while (growing > 0) {
    double step = std::numeric_limits<double>::max();
    for (std::size_t link = 0; link < left.size(); ++link) {
      if (users[link] > 0)
        step = std::min(step, left[link] / static_cast<double>(users[link]));
    }
    for (std::size_t link = 0; link < left.size(); ++link) {
      full[link] = false;
      if (users[link] == 0)
        continue;
      left[link] -= step * static_cast<double>(users[link]);
      full[link] = left[link] <= 1e-9 * capacity[link];
    }
    for (auto* flow : flows) {
      if (flow->frozen)
        continue;
      flow->rate += step;
      if (full[flow->from] || full[nodes + flow->to]) {
        flow->frozen = true;
        --users[flow->from];
        --users[nodes + flow->to];
        --growing;
      }
    }
  }
}

}  // namespace

SwarmResult simulate_swarm(const std::vector<Block>& blocks, const SwarmOptions& options) {
  const double tick = std::chrono::duration<double>(options.tick).count();
  const double delay = std::chrono::duration<double>(options.request_delay).count();
  const double map_interval = std::chrono::duration<double>(options.map_interval).count();
  const std::size_t nodes = options.downloaders + 1;
  std::vector<double> capacity(2 * nodes, options.downloader_link);
  capacity[0] = options.seeder_uplink;
  capacity[nodes] = 0;  // the seeder downloads nothing

  std::vector<Downloader> downloaders;
  for (std::size_t d = 0; d < options.downloaders; ++d) {
    Scheduler::Limits limits;
    limits.first_block = options.first_blocks.empty() ? d * blocks.size() / options.downloaders
                                                      : options.first_blocks.at(d);
    downloaders.push_back({Scheduler(blocks, limits), std::vector<bool>(blocks.size(), false)});
    auto& scheduler = downloaders.back().scheduler;
    scheduler.add_peer(node_id(0));
    for (std::size_t other = 0; options.downloaders_trade && other < options.downloaders; ++other) {
      if (other != d)
        scheduler.set_peer_blocks(node_id(other + 1), std::vector<bool>(blocks.size(), false));
    }
  }

  SwarmResult result;
  std::vector<Transfer> transfers;
  Scheduler::TimePoint now{};
  double seconds = 0;
  double next_poll = map_interval;
  const auto assign = [&] {
    for (std::size_t d = 0; d < downloaders.size(); ++d) {
      if (downloaders[d].done || !downloaders[d].changed)
        continue;
      downloaders[d].changed = false;
      auto& scheduler = downloaders[d].scheduler;
      const auto assignments = scheduler.next_assignments(now);
      scheduler.check_invariants();
      for (const auto& a : assignments) {
        const auto length = blocks[a.block.value()].length;
        transfers.push_back({a.peer.value(), d + 1, a.block, static_cast<double>(length), delay});
        if (a.peer == node_id(0))
          result.seeder_bytes += length;
      }
    }
  };
  const auto all_done = [&] {
    return std::all_of(downloaders.begin(), downloaders.end(),
                       [](const Downloader& d) { return d.done; });
  };

  std::vector<Transfer*> flowing;
  std::vector<Transfer> arrived;
  assign();
  while (!all_done() && seconds < options.give_up_after_seconds) {
    now += options.tick;
    seconds += tick;
    flowing.clear();
    for (auto& t : transfers) {
      t.delay_left -= tick;
      if (t.delay_left <= 0)
        flowing.push_back(&t);
    }
    share_links(flowing, capacity, nodes);
    arrived.clear();
    for (auto* t : flowing) {
      t->remaining -= t->rate * tick;
      if (t->remaining <= 0)
        arrived.push_back(*t);
    }
    std::erase_if(transfers,
                  [](const Transfer& t) { return t.delay_left <= 0 && t.remaining <= 0; });
    for (const auto& t : arrived) {
      auto& downloader = downloaders[t.to - 1];
      downloader.changed = true;
      for (const auto& c : downloader.scheduler.completed(t.block, node_id(t.from), now)) {
        std::erase_if(transfers, [&](const Transfer& other) {
          return other.to == t.to && other.from == c.peer.value() && other.block == c.block;
        });
      }
      downloader.scheduler.check_invariants();
      downloader.has[t.block.value()] = true;
      if (!downloader.done && downloader.scheduler.finished()) {
        downloader.done = true;
        downloader.finished_at = seconds;
      }
    }
    if (options.downloaders_trade && seconds >= next_poll) {
      next_poll += map_interval;
      for (std::size_t d = 0; d < downloaders.size(); ++d) {
        downloaders[d].changed = true;
        for (std::size_t other = 0; other < downloaders.size(); ++other) {
          const auto id = node_id(other + 1);
          if (other == d) {
            continue;
          } else if (downloaders[other].done) {
            downloaders[d].scheduler.set_peer_complete(id);
          } else {
            downloaders[d].scheduler.set_peer_blocks(id, downloaders[other].has);
          }
        }
        downloaders[d].scheduler.check_invariants();
      }
    }
    assign();
  }
  for (const auto& d : downloaders)
    result.finish_seconds.push_back(d.finished_at);
  result.finished = all_done();
  return result;
}

}  // namespace lanspread::test
