#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "peer/download/block.hpp"
#include "peer/download/scheduler.hpp"

namespace lanspread::test {

// A discrete-time model of a download: every peer has a fixed bandwidth that
// its transfers in flight share equally, and a fixed delay before a request's
// first byte. Deterministic: no clock, no threads, no randomness.
struct SimPeer {
  double bytes_per_second = 0;
  bool sends_corrupt_blocks = false;
};

struct SimResult {
  double seconds = 0;
  bool finished = false;
  std::uint64_t bytes_sent = 0;  // duplicates and corrupt blocks included
  std::optional<std::string> failure;
};

// How blocks are handed out: the adaptive scheduler or a baseline.
class SimPolicy {
 public:
  using Assignment = peer::download::Scheduler::Assignment;
  using TimePoint = peer::download::Scheduler::TimePoint;
  using PeerId = peer::download::Scheduler::PeerId;
  using BlockIndex = peer::download::Scheduler::BlockIndex;
  virtual ~SimPolicy() = default;
  virtual std::vector<Assignment> assign(TimePoint now) = 0;
  // Returns the transfers to cancel.
  virtual std::vector<Assignment> completed(BlockIndex block, PeerId peer, TimePoint now) = 0;
  virtual void corrupt(BlockIndex block, PeerId peer, TimePoint now) = 0;
  virtual void remove_peer(PeerId peer) = 0;
  virtual bool finished() const = 0;
  virtual std::optional<std::string> failure() const = 0;
  virtual std::uint64_t verified_bytes() const = 0;
};

// Recounts the scheduler's invariants after every call that changes it.
class SchedulerPolicy : public SimPolicy {
 public:
  SchedulerPolicy(std::vector<peer::download::Block> blocks, std::size_t peers,
                  peer::download::Scheduler::Limits limits = {});
  std::vector<Assignment> assign(TimePoint now) override;
  std::vector<Assignment> completed(BlockIndex block, PeerId peer, TimePoint now) override;
  void corrupt(BlockIndex block, PeerId peer, TimePoint now) override;
  void remove_peer(PeerId peer) override;
  bool finished() const override { return scheduler_.finished(); }
  std::optional<std::string> failure() const override { return scheduler_.failure(); }
  std::uint64_t verified_bytes() const override { return scheduler_.progress().verified_bytes; }
  const peer::download::Scheduler& scheduler() const { return scheduler_; }

 private:
  peer::download::Scheduler scheduler_;
};

// The original's plan: block i goes to peer i mod n, whatever happens.
class RoundRobinPolicy : public SimPolicy {
 public:
  RoundRobinPolicy(std::vector<peer::download::Block> blocks, std::size_t peers,
                   std::size_t in_flight_per_peer);
  std::vector<Assignment> assign(TimePoint now) override;
  std::vector<Assignment> completed(BlockIndex block, PeerId peer, TimePoint now) override;
  void corrupt(BlockIndex, PeerId, TimePoint) override {}
  void remove_peer(PeerId) override {}
  bool finished() const override { return done_ == blocks_.size(); }
  std::optional<std::string> failure() const override { return std::nullopt; }
  std::uint64_t verified_bytes() const override { return verified_; }

 private:
  std::vector<peer::download::Block> blocks_;
  std::vector<std::size_t> next_;  // per peer: its next block index
  std::vector<std::size_t> in_flight_;
  std::size_t per_peer_;
  std::size_t done_ = 0;
  std::uint64_t verified_ = 0;
};

struct SimOptions {
  std::chrono::microseconds tick{1000};
  std::chrono::microseconds request_delay{1000};
  double give_up_after_seconds = 3600;
  // Called once per tick with the simulated time and the verified bytes; it
  // may kill peers by clearing their entry in `alive`.
  std::function<void(double seconds, std::uint64_t verified, std::vector<bool>& alive)> on_tick;
};

SimResult simulate(SimPolicy& policy, const std::vector<peer::download::Block>& blocks,
                   const std::vector<SimPeer>& peers, const SimOptions& options = {});

// A 4 GiB "mixed" game: three large archives and many small files.
std::vector<peer::download::Block> mixed_game_blocks(std::uint64_t scale_down = 1);

}  // namespace lanspread::test
