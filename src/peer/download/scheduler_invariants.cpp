#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "peer/download/scheduler.hpp"

// Scheduler::check_invariants(), apart from the rules in scheduler.cpp: it
// recounts what they keep incrementally, and runs only in tests, simulations
// and debug builds.
namespace lanspread::peer::download {

void Scheduler::check_invariants() const {
  const auto expect = [](bool holds, const char* what) {
    if (!holds) {
      std::fprintf(stderr, "Scheduler invariant broken: %s\n", what);
      std::abort();
    }
  };
  std::size_t pending = 0;
  std::size_t fresh = 0;
  std::size_t in_flight = 0;
  std::size_t done = 0;
  std::uint64_t verified = 0;
  std::uint64_t total = 0;
  std::map<PeerId, std::size_t> copies_per_peer;
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const auto& state = states_[i];
    total += blocks_[i].length;
    switch (state.state) {
      case State::Pending:
        ++pending;
        fresh += state.taken ? 0 : 1;
        break;
      case State::InFlight:
        ++in_flight;
        expect(state.taken, "a block in flight is not marked taken");
        break;
      case State::Done:
        ++done;
        verified += blocks_[i].length;
        break;
    }
    expect(state.copies.empty() == (state.state != State::InFlight),
           "a block has copies in flight but is not in flight, or the reverse");
    expect(state.copies.size() <= std::max<std::size_t>(limits_.max_copies, 1),
           "a block has more copies in flight than max_copies");
    for (const auto& copy : state.copies) {
      expect(peers_.contains(copy.peer), "a copy in flight is on a removed peer");
      ++copies_per_peer[copy.peer];
      expect(std::count_if(state.copies.begin(), state.copies.end(),
                           [&](const Copy& other) { return other.peer == copy.peer; }) == 1,
             "a peer holds two copies of one block");
    }
  }
  expect(pending == pending_blocks_, "pending_blocks_ differs from the pending blocks");
  expect(fresh == fresh_blocks_, "fresh_blocks_ differs from the blocks never handed out");
  expect(done == done_blocks_, "done_blocks_ differs from the blocks done");
  expect(verified == verified_bytes_, "verified_bytes_ differs from the bytes of the blocks done");
  expect(total == total_bytes_, "total_bytes_ differs from the bytes of the blocks");
  expect(
      in_flight == in_flight_.size() &&
          std::all_of(in_flight_.begin(), in_flight_.end(),
                      [&](BlockIndex block) { return state_of(block).state == State::InFlight; }),
      "in_flight_ differs from the blocks in flight");

  std::size_t complete = 0;
  std::vector<std::uint32_t> holders(blocks_.size(), 0);
  for (const auto& [id, peer] : peers_) {
    const auto copies = copies_per_peer.find(id);
    expect(peer.in_flight == (copies == copies_per_peer.end() ? 0 : copies->second),
           "a peer's in_flight differs from its copies in flight");
    expect(!dropped_.contains(id), "a peer dropped for corrupt blocks is still a source");
    if (peer.complete) {
      ++complete;
      expect(peer.has.empty() && peer.pending_held == 0 && peer.unfinished_held == 0,
             "a complete peer keeps a block map or counts of it");
      continue;
    }
    expect(peer.has.size() == blocks_.size(), "a partial peer's map does not fit the plan");
    std::size_t pending_held = 0;
    std::size_t unfinished_held = 0;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      if (!peer.has[i])
        continue;
      ++holders[i];
      pending_held += states_[i].state == State::Pending ? 1 : 0;
      unfinished_held += states_[i].state != State::Done ? 1 : 0;
    }
    expect(peer.pending_held == pending_held, "a peer's pending_held differs from its map");
    expect(peer.unfinished_held == unfinished_held,
           "a peer's unfinished_held differs from its map");
  }
  expect(complete == complete_peers_, "complete_peers_ differs from the complete peers");
  expect(holders == partial_holders_, "partial_holders_ differs from the partial peers' maps");
  expect(blocks_.empty() || (walk_ < blocks_.size() && limits_.first_block < blocks_.size()),
         "the fresh walk is outside the block plan");
}

}  // namespace lanspread::peer::download
