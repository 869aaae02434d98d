#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "peer/download/block.hpp"
#include "peer/download/typed_id.hpp"

namespace lanspread::peer::download {

// The piece picker: decides which block goes to which peer next. Pure: no
// I/O, no clock; the caller passes the time in, so it is driven the same way
// by the runtime and by a discrete-time simulation.
//
// Rules (docs/download.md explains why):
// - Each peer's throughput is an EWMA of its delivery rate (bytes of
//   completed blocks over the busy time between samples).
// - A peer's in-flight limit covers `pipe_time` worth of its throughput
//   (bounded by min/max slots), so a slow peer holds few blocks.
// - A failure or a corrupt block demotes the peer: exponential backoff and
//   half the slots per consecutive failure; a success restores it. A peer that
//   sent `max_corrupt_per_peer` corrupt blocks is dropped.
// - A removed peer gets nothing; its in-flight blocks go back to the pool.
// - A failed block is retried first, on another peer when one can take it;
//   after `max_attempts` failures the download fails naming the block and its
//   last errors.
// - End game: once no block is left unassigned, a peer with a free slot
//   duplicates the in-flight block expected to finish last, if it would
//   finish it sooner; when one copy completes, the others are cancelled.
// - Swarm: a peer still downloading the game has only some blocks
//   (`set_peer_blocks`) and is given only those, retries and end-game copies
//   included. A block's availability is how many live peers have it. A peer
//   gets retries first (ones it has), then the rarest pending block it has,
//   ties in fresh order: full peers walk it from `first_block`, wrapping, so
//   downloaders of one seeder start on different blocks and trade them. A
//   walk that reaches blocks another downloader has (or would trail it,
//   asking the seeder for what that downloader fetches now, invisible until
//   its next map) restarts inside the longest run of blocks no partial peer
//   has, a quarter to three quarters in (a fraction of its own per download).
//   With only full peers the order is exactly the fresh order and a pick is
//   O(1) amortised; with partial peers a pick may scan the pending blocks,
//   except for a peer that has none of them (a count per peer), skipped at
//   once. has_usable_peers() is false when the peers left have none of the
//   blocks still needed.
//
// Counts that would cost a scan to compute are kept incrementally;
// check_invariants() recounts them all. The tests and simulations call it
// after every step, and debug builds of the download job on every turn.
class Scheduler {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;
  // The caller's name for a source (the download job maps it to a peer).
  using PeerId = TypedId<struct SchedulerPeerTag, std::uint32_t>;
  // A block's index in the block plan the scheduler was made with.
  using BlockIndex = TypedId<struct BlockIndexTag, std::size_t>;

  struct Limits {
    std::size_t min_slots = 2;
    std::size_t max_slots = 16;
    std::size_t initial_slots = 2;  // before the first throughput sample
    Duration pipe_time = std::chrono::milliseconds(50);
    Duration sample_window = std::chrono::milliseconds(20);
    double ewma_weight = 0.3;  // of the newest sample
    Duration backoff_base = std::chrono::milliseconds(250);
    Duration backoff_max = std::chrono::seconds(8);
    std::size_t max_attempts = 5;  // failed or corrupt outcomes per block
    std::size_t max_corrupt_per_peer = 3;
    std::size_t max_copies = 2;  // of one block in flight during the end game
    // Where the fresh-block order starts (a block index, taken modulo the
    // block count). Downloaders pass a random one, so several downloaders of
    // one seeder ask it for different blocks first and then trade them.
    std::size_t first_block = 0;
  };

  struct Assignment {
    BlockIndex block;
    PeerId peer;
    bool operator==(const Assignment&) const = default;
  };

  struct Progress {
    std::uint64_t verified_bytes = 0;
    std::uint64_t total_bytes = 0;
  };

  explicit Scheduler(std::vector<Block> blocks);
  Scheduler(std::vector<Block> blocks, Limits limits);

  // Blocks already on disk and verified (resume): they count as done.
  void mark_done(BlockIndex block);

  // A peer that has every block (also one dropped for corrupt blocks: an
  // explicit add takes it back).
  void add_peer(PeerId peer);
  // A peer that has only some blocks (it is still downloading the game): it is
  // given only blocks `has` marks (has.size() == block count; a size mismatch
  // is ignored). Called again whenever a newer map arrives; an unknown peer is
  // added with it, except one dropped for sending corrupt blocks.
  void set_peer_blocks(PeerId peer, const std::vector<bool>& has);
  // The peer now has every block (it finished its own download).
  void set_peer_complete(PeerId peer);
  // The peer is gone (lost, disconnected): its in-flight blocks return to
  // the pool and it gets nothing more. Outcomes it still reports are ignored.
  void remove_peer(PeerId peer);

  // Fills every usable peer's free slots; the caller starts one transfer per
  // assignment. Call after every outcome and whenever `next_wakeup` passes.
  std::vector<Assignment> next_assignments(TimePoint now);

  // The block arrived from `peer`, verified and written. Returns the other
  // copies of this block still in flight, which the caller cancels (and
  // reports no outcome for).
  std::vector<Assignment> completed(BlockIndex block, PeerId peer, TimePoint now);
  // The transfer failed (stream error, timeout, short read).
  void failed(BlockIndex block, PeerId peer, std::string reason, TimePoint now);
  // The block arrived but its hash did not match.
  void corrupt(BlockIndex block, PeerId peer, TimePoint now);

  bool finished() const { return done_blocks_ == blocks_.size(); }
  // Why the download cannot finish (a block failed too often); set once.
  const std::optional<std::string>& failure() const { return failure_; }
  // Whether any peer can still be given work now or after a backoff: false
  // when the peers left have none of the blocks still needed.
  bool has_usable_peers() const;
  // How many live peers have the block.
  std::size_t availability(BlockIndex block) const;
  // When a backed-off peer may take work again, if one is waiting.
  std::optional<TimePoint> next_wakeup(TimePoint now) const;

  Progress progress() const { return {verified_bytes_, total_bytes_}; }
  // Distinct peers with a transfer in flight right now.
  std::size_t peers_streaming() const;
  // Bytes per second, 0 before the first sample.
  double throughput(PeerId peer) const;
  std::size_t in_flight(PeerId peer) const;
  std::size_t slot_limit(PeerId peer) const;

  // Recounts every incrementally kept count and checks the block states
  // against the copies in flight; aborts naming the first mismatch. Costs a
  // pass over the blocks for each partial peer.
  void check_invariants() const;

 private:
  struct Copy {
    PeerId peer;
    TimePoint started{};
  };
  enum class State : std::uint8_t { Pending, InFlight, Done };
  struct BlockState {
    State state = State::Pending;
    bool taken = false;  // handed out once: it left the fresh pool
    std::uint8_t attempts = 0;
    std::vector<Copy> copies;  // empty unless in flight
  };
  struct FailureRecord {
    std::vector<PeerId> failed_on;
    std::deque<std::string> last_errors;  // newest last, bounded
  };
  struct Peer {
    double rate = 0;  // bytes/s, EWMA
    bool measured = false;
    std::size_t in_flight = 0;
    std::size_t consecutive_failures = 0;
    std::size_t corrupt_blocks = 0;
    TimePoint backoff_until{};
    // The sample window counts busy time only: idle gaps shift its start.
    bool started = false;
    TimePoint window_start{};
    TimePoint idle_since{};
    std::uint64_t window_bytes = 0;
    // Which blocks it has; empty when it has every block.
    std::vector<bool> has;
    bool complete = true;
    std::size_t pending_held = 0;     // pending blocks it has (partial peers)
    std::size_t unfinished_held = 0;  // blocks not done that it has (partial peers)
  };

  static bool holds(const Peer& peer, BlockIndex block) {
    return peer.complete || peer.has[block.value()];
  }
  BlockState& state_of(BlockIndex block) { return states_.at(block.value()); }
  const BlockState& state_of(BlockIndex block) const { return states_.at(block.value()); }
  std::uint32_t length_of(BlockIndex block) const { return blocks_.at(block.value()).length; }
  std::uint32_t holders_of(BlockIndex block) const { return partial_holders_[block.value()]; }
  std::optional<BlockIndex> take_pending(PeerId peer);
  std::optional<BlockIndex> take_fresh(const Peer& peer);
  // The block at `position` of the fresh order, which starts at first_block.
  BlockIndex fresh_at(std::size_t position) const;
  bool is_fresh(BlockIndex block) const;
  std::size_t restart_point();
  void make_partial(Peer& peer, const std::vector<bool>& has);
  void make_complete(Peer& peer);
  // Keep the per-peer counts and `pending_blocks_` current on a state change.
  void leave_pending(BlockIndex block);
  void enter_pending(BlockIndex block);
  void became_done(BlockIndex block);
  std::optional<BlockIndex> pick_duplicate(PeerId peer, const Peer& state, TimePoint now) const;
  TimePoint expected_finish(const Copy& copy, std::uint32_t length) const;
  bool has_copy(BlockIndex block, PeerId peer) const;
  // False for a report about a copy already cancelled, or from a peer already
  // removed: those come late and are settled.
  bool is_live_copy(BlockIndex block, PeerId peer) const;
  void start_copy(BlockIndex block, PeerId peer, TimePoint now);
  bool drop_copy(BlockIndex block, PeerId peer, TimePoint now);
  void return_to_pool(BlockIndex block);
  void record_failure(BlockIndex block, PeerId peer, std::string reason, TimePoint now);
  void record_sample(Peer& peer, std::uint64_t bytes, TimePoint now) const;
  std::size_t slots_for(const Peer& peer) const;
  std::string describe(BlockIndex block) const;

  std::vector<Block> blocks_;
  Limits limits_;
  std::vector<BlockState> states_;
  std::map<BlockIndex, FailureRecord> failures_;  // only blocks that failed
  std::map<PeerId, Peer> peers_;
  std::deque<BlockIndex> retry_;  // failed or orphaned blocks, first served
  // The position in the fresh order (see fresh_at) where full peers' next
  // fresh block is looked for.
  std::size_t walk_ = 0;
  std::size_t restarts_ = 0;  // of the walk (see restart_point)
  std::size_t pending_blocks_ = 0;
  std::size_t fresh_blocks_ = 0;                // pending and never handed out
  std::vector<std::uint32_t> partial_holders_;  // by block index: live partial peers having it
  std::size_t complete_peers_ = 0;              // live peers having every block
  std::set<PeerId> dropped_;                    // for corrupt blocks: not re-added by a map
  std::set<BlockIndex> in_flight_;
  std::size_t done_blocks_ = 0;
  std::uint64_t verified_bytes_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::optional<std::string> failure_;
};

}  // namespace lanspread::peer::download
