#include "peer/download/scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace lanspread::peer::download {
namespace {

constexpr std::size_t kKeptErrors = 3;

double seconds(Scheduler::Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

Scheduler::Duration from_seconds(double value) {
  return std::chrono::duration_cast<Scheduler::Duration>(std::chrono::duration<double>(value));
}

}  // namespace

Scheduler::Scheduler(std::vector<Block> blocks) : Scheduler(std::move(blocks), Limits{}) {}

Scheduler::Scheduler(std::vector<Block> blocks, Limits limits)
    : blocks_(std::move(blocks)),
      limits_(limits),
      states_(blocks_.size()),
      pending_blocks_(blocks_.size()),
      fresh_blocks_(blocks_.size()),
      partial_holders_(blocks_.size(), 0) {
  for (const auto& block : blocks_)
    total_bytes_ += block.length;
  if (!blocks_.empty())
    limits_.first_block %= blocks_.size();
}

void Scheduler::mark_done(BlockIndex block) {
  auto& state = state_of(block);
  if (state.state != State::Pending)
    return;
  leave_pending(block);
  fresh_blocks_ -= state.taken ? 0 : 1;
  state.state = State::Done;
  became_done(block);
  ++done_blocks_;
  verified_bytes_ += length_of(block);
}

void Scheduler::add_peer(PeerId peer) {
  dropped_.erase(peer);
  const auto [it, added] = peers_.try_emplace(peer);
  if (added)
    ++complete_peers_;
  else
    make_complete(it->second);
}

void Scheduler::set_peer_blocks(PeerId peer, const std::vector<bool>& has) {
  if (has.size() != blocks_.size() || dropped_.contains(peer))
    return;
  const auto [it, added] = peers_.try_emplace(peer);
  if (added)
    ++complete_peers_;
  make_partial(it->second, has);
}

void Scheduler::set_peer_complete(PeerId peer) {
  if (dropped_.contains(peer))
    return;
  const auto [it, added] = peers_.try_emplace(peer);
  if (added)
    ++complete_peers_;
  else
    make_complete(it->second);
}

bool Scheduler::has_copy(BlockIndex block, PeerId peer) const {
  const auto& copies = state_of(block).copies;
  return std::any_of(copies.begin(), copies.end(), [&](const Copy& c) { return c.peer == peer; });
}

bool Scheduler::is_live_copy(BlockIndex block, PeerId peer) const {
  return state_of(block).state == State::InFlight && peers_.contains(peer) && has_copy(block, peer);
}

void Scheduler::remove_peer(PeerId peer) {
  if (!peers_.contains(peer))
    return;
  std::vector<BlockIndex> held;
  for (const auto block : in_flight_) {
    if (has_copy(block, peer))
      held.push_back(block);
  }
  for (const auto block : held) {
    if (drop_copy(block, peer, {}))
      return_to_pool(block);
  }
  auto& state = peers_.at(peer);
  if (state.complete) {
    --complete_peers_;
  } else {
    for (std::size_t block = 0; block < blocks_.size(); ++block)
      partial_holders_[block] -= state.has[block] ? 1 : 0;
  }
  peers_.erase(peer);
}

std::vector<Scheduler::Assignment> Scheduler::next_assignments(TimePoint now) {
  std::vector<Assignment> out;
  if (failure_)
    return out;
  // Fastest first: when little is left, it goes where it finishes soonest.
  std::vector<PeerId> order;
  for (const auto& [id, peer] : peers_)
    order.push_back(id);
  std::stable_sort(order.begin(), order.end(), [&](PeerId a, PeerId b) {
    const auto& pa = peers_.at(a);
    const auto& pb = peers_.at(b);
    return (pa.measured ? pa.rate : 0) > (pb.measured ? pb.rate : 0);
  });
  for (const auto id : order) {
    auto& peer = peers_.at(id);
    if (peer.backoff_until > now)
      continue;
    while (peer.in_flight < slots_for(peer)) {
      auto block = take_pending(id);
      if (!block)
        block = pick_duplicate(id, peer, now);
      if (!block)
        break;
      start_copy(*block, id, now);
      out.push_back({*block, id});
    }
  }
  return out;
}

std::vector<Scheduler::Assignment> Scheduler::completed(BlockIndex block, PeerId peer,
                                                        TimePoint now) {
  std::vector<Assignment> cancel;
  if (!is_live_copy(block, peer))
    return cancel;
  auto& state = state_of(block);
  const auto known = peers_.find(peer);
  for (const auto& copy : state.copies) {
    if (copy.peer != peer)
      cancel.push_back({block, copy.peer});
  }
  for (const auto& c : cancel)
    drop_copy(block, c.peer, now);
  drop_copy(block, peer, now);
  state.state = State::Done;
  became_done(block);
  in_flight_.erase(block);
  ++done_blocks_;
  verified_bytes_ += length_of(block);
  failures_.erase(block);

  known->second.consecutive_failures = 0;
  record_sample(known->second, length_of(block), now);
  return cancel;
}

void Scheduler::failed(BlockIndex block, PeerId peer, std::string reason, TimePoint now) {
  if (!is_live_copy(block, peer))
    return;
  if (drop_copy(block, peer, now))
    return_to_pool(block);
  record_failure(block, peer, std::move(reason), now);
}

void Scheduler::corrupt(BlockIndex block, PeerId peer, TimePoint now) {
  if (!is_live_copy(block, peer))
    return;
  if (drop_copy(block, peer, now))
    return_to_pool(block);
  record_failure(block, peer, "sent data that does not match the block hash", now);
  auto& state_of_peer = peers_.at(peer);
  if (++state_of_peer.corrupt_blocks >= limits_.max_corrupt_per_peer) {
    remove_peer(peer);
    dropped_.insert(peer);
  }
}

bool Scheduler::has_usable_peers() const {
  return std::any_of(peers_.begin(), peers_.end(), [](const auto& entry) {
    return entry.second.complete || entry.second.unfinished_held > 0;
  });
}

std::size_t Scheduler::availability(BlockIndex block) const {
  return complete_peers_ + partial_holders_.at(block.value());
}

std::optional<Scheduler::TimePoint> Scheduler::next_wakeup(TimePoint now) const {
  std::optional<TimePoint> soonest;
  for (const auto& [id, peer] : peers_) {
    if (peer.backoff_until > now && (!soonest || peer.backoff_until < *soonest))
      soonest = peer.backoff_until;
  }
  return soonest;
}

std::size_t Scheduler::peers_streaming() const {
  return static_cast<std::size_t>(std::count_if(
      peers_.begin(), peers_.end(), [](const auto& entry) { return entry.second.in_flight > 0; }));
}

double Scheduler::throughput(PeerId peer) const {
  const auto it = peers_.find(peer);
  return it == peers_.end() || !it->second.measured ? 0 : it->second.rate;
}

std::size_t Scheduler::in_flight(PeerId peer) const {
  const auto it = peers_.find(peer);
  return it == peers_.end() ? 0 : it->second.in_flight;
}

std::size_t Scheduler::slot_limit(PeerId peer) const {
  const auto it = peers_.find(peer);
  return it == peers_.end() ? 0 : slots_for(it->second);
}

std::optional<Scheduler::BlockIndex> Scheduler::take_pending(PeerId peer) {
  const auto& state = peers_.at(peer);
  if (!state.complete && state.pending_held == 0)
    return std::nullopt;
  // Retries first, each on a peer that has not failed it, unless no other
  // peer having it is left to try it.
  for (auto it = retry_.begin(); it != retry_.end();) {
    const auto block = *it;
    if (state_of(block).state != State::Pending) {
      it = retry_.erase(it);
      continue;
    }
    if (!holds(state, block)) {
      ++it;
      continue;
    }
    const auto record = failures_.find(block);
    const auto failed_by = [&](PeerId candidate) {
      if (record == failures_.end())
        return false;
      const auto& failed_on = record->second.failed_on;
      return std::find(failed_on.begin(), failed_on.end(), candidate) != failed_on.end();
    };
    const bool failed_here = failed_by(peer);
    const bool someone_else = std::any_of(peers_.begin(), peers_.end(), [&](const auto& entry) {
      return holds(entry.second, block) && !failed_by(entry.first);
    });
    if (!failed_here || !someone_else) {
      retry_.erase(it);
      return block;
    }
    ++it;
  }
  return take_fresh(state);
}

std::optional<Scheduler::BlockIndex> Scheduler::take_fresh(const Peer& peer) {
  if (fresh_blocks_ == 0)
    return std::nullopt;
  const auto count = blocks_.size();
  // Rarest first, ties in fresh order from the walk. Nothing is rarer than a
  // block no partial peer has, or, for a partial peer, than one only it has:
  // the scan stops there. With only full peers that is the next fresh block.
  const std::uint32_t rarest_possible = peer.complete ? 0 : 1;
  std::optional<std::size_t> chosen;
  bool passed_held = false;  // fresh blocks another peer has came first
  for (std::size_t step = 0; step < count; ++step) {
    const auto position = walk_ + step < count ? walk_ + step : walk_ + step - count;
    const auto block = fresh_at(position);
    if (!is_fresh(block) || !holds(peer, block))
      continue;
    const auto holders = holders_of(block);
    if (!chosen || holders < holders_of(fresh_at(*chosen))) {
      passed_held = passed_held || chosen.has_value();
      chosen = position;
      if (holders <= rarest_possible)
        break;
    }
  }
  if (!chosen)
    return std::nullopt;
  if (peer.complete && holders_of(fresh_at(*chosen)) == 0) {
    // A walk right behind blocks another peer has trails the downloader
    // that fetched them, asking the same full peer for the same blocks (its
    // own blocks reach the others a map poll later): it restarts inside the
    // longest run nobody else has, at a point of its own so that downloaders
    // restarting together land apart.
    const auto behind = fresh_at(*chosen > 0 ? *chosen - 1 : count - 1);
    if (passed_held || holders_of(behind) > 0)
      chosen = restart_point();
  }
  if (peer.complete)
    walk_ = *chosen + 1 < count ? *chosen + 1 : 0;
  return fresh_at(*chosen);
}

std::size_t Scheduler::restart_point() {
  std::size_t best_start = 0;
  std::size_t best_length = 0;
  std::size_t run_start = 0;
  for (std::size_t position = 0; position <= blocks_.size(); ++position) {
    const bool unshared = position < blocks_.size() && is_fresh(fresh_at(position)) &&
                          holders_of(fresh_at(position)) == 0;
    if (unshared)
      continue;
    if (position - run_start > best_length) {
      best_start = run_start;
      best_length = position - run_start;
    }
    run_start = position + 1;
  }
  // Between a quarter and three quarters into the run: the run's own walker
  // keeps a share. The fraction moves by the golden ratio on every restart
  // from one that depends on first_block, so each download has its own.
  constexpr double kGoldenFraction = 0.6180339887498949;
  const double seed = static_cast<double>(limits_.first_block) /
                          static_cast<double>(std::max<std::size_t>(blocks_.size(), 1)) +
                      kGoldenFraction * static_cast<double>(restarts_++);
  const double fraction = 0.25 + 0.5 * (seed - std::floor(seed));
  return best_start + static_cast<std::size_t>(fraction * static_cast<double>(best_length));
}

bool Scheduler::is_fresh(BlockIndex block) const {
  const auto& state = state_of(block);
  return state.state == State::Pending && !state.taken;
}

Scheduler::BlockIndex Scheduler::fresh_at(std::size_t position) const {
  const auto block = limits_.first_block + position;
  return BlockIndex(block < blocks_.size() ? block : block - blocks_.size());
}

void Scheduler::make_partial(Peer& peer, const std::vector<bool>& has) {
  if (peer.complete) {
    peer.complete = false;
    --complete_peers_;
    peer.has.assign(blocks_.size(), false);
    peer.pending_held = 0;
    peer.unfinished_held = 0;
  }
  for (std::size_t block = 0; block < blocks_.size(); ++block) {
    if (has[block] == peer.has[block])
      continue;
    const bool gained = has[block];
    const auto change = [&](auto& count) { count = gained ? count + 1 : count - 1; };
    change(partial_holders_[block]);
    if (states_[block].state == State::Pending)
      change(peer.pending_held);
    if (states_[block].state != State::Done)
      change(peer.unfinished_held);
  }
  peer.has = has;
}

void Scheduler::make_complete(Peer& peer) {
  if (peer.complete)
    return;
  for (std::size_t block = 0; block < blocks_.size(); ++block)
    partial_holders_[block] -= peer.has[block] ? 1 : 0;
  peer.has.clear();
  peer.complete = true;
  peer.pending_held = 0;
  peer.unfinished_held = 0;
  ++complete_peers_;
}

void Scheduler::leave_pending(BlockIndex block) {
  --pending_blocks_;
  if (complete_peers_ == peers_.size())
    return;
  for (auto& [id, peer] : peers_)
    peer.pending_held -= !peer.complete && peer.has[block.value()] ? 1 : 0;
}

void Scheduler::enter_pending(BlockIndex block) {
  ++pending_blocks_;
  if (complete_peers_ == peers_.size())
    return;
  for (auto& [id, peer] : peers_)
    peer.pending_held += !peer.complete && peer.has[block.value()] ? 1 : 0;
}

void Scheduler::became_done(BlockIndex block) {
  if (complete_peers_ == peers_.size())
    return;
  for (auto& [id, peer] : peers_)
    peer.unfinished_held -= !peer.complete && peer.has[block.value()] ? 1 : 0;
}

std::optional<Scheduler::BlockIndex> Scheduler::pick_duplicate(PeerId peer, const Peer& state,
                                                               TimePoint now) const {
  if (pending_blocks_ > 0 || !state.measured || state.rate <= 0)
    return std::nullopt;
  std::optional<BlockIndex> chosen;
  TimePoint latest{};
  for (const auto block : in_flight_) {
    const auto& block_state = state_of(block);
    if (block_state.copies.size() >= limits_.max_copies || !holds(state, block))
      continue;
    if (has_copy(block, peer))
      continue;
    if (const auto it = failures_.find(block); it != failures_.end()) {
      const auto& failed_on = it->second.failed_on;
      if (std::find(failed_on.begin(), failed_on.end(), peer) != failed_on.end())
        continue;
    }
    const auto length = length_of(block);
    TimePoint finish = TimePoint::max();
    for (const auto& copy : block_state.copies)
      finish = std::min(finish, expected_finish(copy, length));
    const auto mine = now + from_seconds(static_cast<double>(length) *
                                         static_cast<double>(state.in_flight + 1) / state.rate);
    if (mine < finish && (!chosen || finish > latest)) {
      chosen = block;
      latest = finish;
    }
  }
  return chosen;
}

Scheduler::TimePoint Scheduler::expected_finish(const Copy& copy, std::uint32_t length) const {
  const auto it = peers_.find(copy.peer);
  if (it == peers_.end() || !it->second.measured || it->second.rate <= 0)
    return TimePoint::max();  // unknown speed: assume the worst
  const auto& peer = it->second;
  // The peer's bandwidth is shared by its transfers in flight.
  const auto share = static_cast<double>(std::max<std::size_t>(peer.in_flight, 1));
  return copy.started + from_seconds(static_cast<double>(length) * share / peer.rate);
}

void Scheduler::start_copy(BlockIndex block, PeerId peer, TimePoint now) {
  auto& state = state_of(block);
  if (state.state == State::Pending)
    leave_pending(block);
  state.state = State::InFlight;
  fresh_blocks_ -= state.taken ? 0 : 1;
  state.taken = true;
  state.copies.push_back({peer, now});
  in_flight_.insert(block);
  auto& peer_state = peers_.at(peer);
  if (peer_state.in_flight++ == 0) {
    // Idle time is not the peer's slowness: the window skips it.
    if (peer_state.started) {
      peer_state.window_start += now - peer_state.idle_since;
    } else {
      peer_state.window_start = now;
      peer_state.started = true;
    }
  }
}

bool Scheduler::drop_copy(BlockIndex block, PeerId peer, TimePoint now) {
  auto& copies = state_of(block).copies;
  const auto it =
      std::find_if(copies.begin(), copies.end(), [&](const Copy& c) { return c.peer == peer; });
  if (it == copies.end())
    return false;
  copies.erase(it);
  if (auto found = peers_.find(peer); found != peers_.end() && --found->second.in_flight == 0)
    found->second.idle_since = now;
  return copies.empty();
}

void Scheduler::return_to_pool(BlockIndex block) {
  state_of(block).state = State::Pending;
  enter_pending(block);
  in_flight_.erase(block);
  retry_.push_back(block);
}

void Scheduler::record_failure(BlockIndex block, PeerId peer, std::string reason, TimePoint now) {
  auto& record = failures_[block];
  if (std::find(record.failed_on.begin(), record.failed_on.end(), peer) == record.failed_on.end())
    record.failed_on.push_back(peer);
  record.last_errors.push_back("peer " + std::to_string(peer.value()) + ": " + std::move(reason));
  if (record.last_errors.size() > kKeptErrors)
    record.last_errors.pop_front();

  auto& peer_state = peers_.at(peer);
  ++peer_state.consecutive_failures;
  const auto doublings = std::min<std::size_t>(peer_state.consecutive_failures - 1, 16);
  const auto backoff = std::min(limits_.backoff_base * (1 << doublings), limits_.backoff_max);
  peer_state.backoff_until = now + backoff;

  auto& attempts = state_of(block).attempts;
  if (++attempts >= limits_.max_attempts && !failure_) {
    std::string errors;
    for (const auto& error : record.last_errors)
      errors += (errors.empty() ? "" : "; ") + error;
    failure_ =
        describe(block) + " failed " + std::to_string(attempts) + " times; last errors: " + errors;
  }
}

void Scheduler::record_sample(Peer& peer, std::uint64_t bytes, TimePoint now) const {
  peer.window_bytes += bytes;
  const auto elapsed = now - peer.window_start;
  if (elapsed < limits_.sample_window)
    return;
  const double sample = static_cast<double>(peer.window_bytes) / seconds(elapsed);
  peer.rate =
      peer.measured ? limits_.ewma_weight * sample + (1 - limits_.ewma_weight) * peer.rate : sample;
  peer.measured = true;
  peer.window_start = now;
  peer.window_bytes = 0;
}

std::size_t Scheduler::slots_for(const Peer& peer) const {
  std::size_t slots = limits_.initial_slots;
  if (peer.measured) {
    const double mean_block = blocks_.empty()
                                  ? 1.0
                                  : std::max(1.0, static_cast<double>(total_bytes_) /
                                                      static_cast<double>(blocks_.size()));
    const double wanted = std::ceil(peer.rate * seconds(limits_.pipe_time) / mean_block);
    slots = std::clamp(static_cast<std::size_t>(wanted), limits_.min_slots, limits_.max_slots);
  }
  const auto halvings = std::min<std::size_t>(peer.consecutive_failures, 16);
  return std::max<std::size_t>(slots >> halvings, 1);
}

std::string Scheduler::describe(BlockIndex block) const {
  const auto& b = blocks_.at(block.value());
  return "block " + std::to_string(block.value()) + " (file " + std::to_string(b.file_index) +
         ", bytes " + std::to_string(b.offset) + "-" + std::to_string(b.offset + b.length) + ")";
}

}  // namespace lanspread::peer::download
