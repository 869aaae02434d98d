#include "peer/download/scheduler.hpp"

#include <gtest/gtest.h>

#include <set>

#include "peer/download/block_plan.hpp"

namespace lanspread::peer::download {
namespace {
using namespace std::chrono_literals;
using Assignment = Scheduler::Assignment;
constexpr std::uint32_t kMiB = 1024 * 1024;

Scheduler::PeerId peer(std::uint32_t id) {
  return Scheduler::PeerId(id);
}

Scheduler::BlockIndex block(std::size_t index) {
  return Scheduler::BlockIndex(index);
}

// The scheduler, its invariants recounted after every call that may change
// it.
class CheckedScheduler : public Scheduler {
  template <class Change>
  decltype(auto) checked(Change change) {
    struct Recount {
      const Scheduler& scheduler;
      ~Recount() { scheduler.check_invariants(); }
    } recount{*this};
    return change();
  }

 public:
  using Scheduler::Scheduler;

  void mark_done(BlockIndex b) {
    checked([&] { Scheduler::mark_done(b); });
  }
  void add_peer(PeerId p) {
    checked([&] { Scheduler::add_peer(p); });
  }
  void set_peer_blocks(PeerId p, const std::vector<bool>& has) {
    checked([&] { Scheduler::set_peer_blocks(p, has); });
  }
  void set_peer_complete(PeerId p) {
    checked([&] { Scheduler::set_peer_complete(p); });
  }
  void remove_peer(PeerId p) {
    checked([&] { Scheduler::remove_peer(p); });
  }
  std::vector<Assignment> next_assignments(TimePoint now) {
    return checked([&] { return Scheduler::next_assignments(now); });
  }
  std::vector<Assignment> completed(BlockIndex b, PeerId p, TimePoint now) {
    return checked([&] { return Scheduler::completed(b, p, now); });
  }
  void failed(BlockIndex b, PeerId p, std::string reason, TimePoint now) {
    checked([&] { Scheduler::failed(b, p, std::move(reason), now); });
  }
  void corrupt(BlockIndex b, PeerId p, TimePoint now) {
    checked([&] { Scheduler::corrupt(b, p, now); });
  }
};

std::vector<Block> blocks_of(std::size_t count) {
  std::vector<Block> blocks;
  append_file_blocks(0, count * kMiB, kMiB, blocks);
  return blocks;
}

const Scheduler::TimePoint t0{};

std::vector<Assignment> for_peer(const std::vector<Assignment>& all, std::uint32_t id) {
  std::vector<Assignment> mine;
  for (const auto& a : all) {
    if (a.peer == peer(id))
      mine.push_back(a);
  }
  return mine;
}

std::vector<bool> map_of(std::size_t count, const std::set<std::size_t>& has) {
  std::vector<bool> map(count, false);
  for (const auto block : has)
    map.at(block) = true;
  return map;
}

std::set<std::size_t> blocks_in(const std::vector<Assignment>& assignments) {
  std::set<std::size_t> blocks;
  for (const auto& a : assignments)
    blocks.insert(a.block.value());
  return blocks;
}

TEST(BlockPlanTest, SplitsFilesIntoBlocksWithAShortLastOne) {
  std::vector<Block> blocks;
  append_file_blocks(3, 2 * kMiB + 5, kMiB, blocks);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[2], (Block{3, 2 * kMiB, 5}));
  append_file_blocks(4, 10, kMiB, blocks);
  EXPECT_EQ(blocks.back(), (Block{4, 0, 10}));
}

TEST(SchedulerTest, HandsEveryBlockOutOnceAndFinishes) {
  Scheduler::Limits no_end_game;
  no_end_game.max_copies = 1;
  CheckedScheduler scheduler(blocks_of(10), no_end_game);
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  std::set<Scheduler::BlockIndex> seen;
  auto now = t0;
  while (!scheduler.finished()) {
    const auto batch = scheduler.next_assignments(now);
    ASSERT_FALSE(batch.empty());
    now += 10ms;
    for (const auto& a : batch) {
      EXPECT_TRUE(seen.insert(a.block).second) << "block " << a.block << " handed out twice";
      scheduler.completed(a.block, a.peer, now);
    }
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(scheduler.progress().verified_bytes, 10u * kMiB);
  EXPECT_EQ(scheduler.progress().total_bytes, 10u * kMiB);
}

TEST(SchedulerTest, SkipsBlocksAlreadyOnDisk) {
  CheckedScheduler scheduler(blocks_of(3));
  scheduler.mark_done(block(0));
  scheduler.mark_done(block(2));
  scheduler.add_peer(peer(1));
  const auto batch = scheduler.next_assignments(t0);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].block, block(1));
  EXPECT_EQ(scheduler.progress().verified_bytes, 2u * kMiB);
}

TEST(SchedulerTest, InFlightLimitScalesWithMeasuredThroughput) {
  CheckedScheduler scheduler(blocks_of(1000));
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  EXPECT_EQ(scheduler.slot_limit(peer(1)), Scheduler::Limits{}.initial_slots);
  auto now = t0;
  std::vector<Assignment> slow;
  for (int i = 0; i < 40; ++i) {
    // Peer 1 delivers its blocks within a millisecond (about 1 GB/s).
    const auto batch = scheduler.next_assignments(now);
    const auto on_two = for_peer(batch, 2);
    slow.insert(slow.end(), on_two.begin(), on_two.end());
    now += 1ms;
    for (const auto& a : for_peer(batch, 1))
      scheduler.completed(a.block, peer(1), now);
  }
  EXPECT_GT(scheduler.throughput(peer(1)), 500e6);
  EXPECT_EQ(scheduler.slot_limit(peer(1)), Scheduler::Limits{}.max_slots);
  // Peer 2 needs 200 ms per block (about 5 MB/s).
  ASSERT_FALSE(slow.empty());
  for (const auto& a : slow) {
    now += 200ms;
    scheduler.completed(a.block, peer(2), now);
  }
  EXPECT_GT(scheduler.throughput(peer(2)), 1e6);
  EXPECT_LT(scheduler.throughput(peer(2)), 10e6);
  EXPECT_EQ(scheduler.slot_limit(peer(2)), Scheduler::Limits{}.min_slots);
}

TEST(SchedulerTest, AFailingPeerBacksOffWithFewerSlotsAndRecovers) {
  Scheduler::Limits limits;
  limits.initial_slots = 4;
  CheckedScheduler scheduler(blocks_of(100), limits);
  scheduler.add_peer(peer(1));
  const auto first = scheduler.next_assignments(t0);
  ASSERT_EQ(first.size(), 4u);
  scheduler.failed(first[0].block, peer(1), "stream reset", t0);
  EXPECT_EQ(scheduler.slot_limit(peer(1)), 2u);
  EXPECT_TRUE(scheduler.next_assignments(t0 + 1ms).empty()) << "backing off";
  ASSERT_TRUE(scheduler.next_wakeup(t0 + 1ms).has_value());
  EXPECT_EQ(*scheduler.next_wakeup(t0 + 1ms), t0 + limits.backoff_base);
  scheduler.failed(first[1].block, peer(1), "timeout", t0 + 1ms);
  EXPECT_EQ(scheduler.slot_limit(peer(1)), 1u);
  EXPECT_EQ(*scheduler.next_wakeup(t0 + 2ms), t0 + 1ms + 2 * limits.backoff_base);
  // Two still in flight, the limit is one: nothing new even after the backoff.
  EXPECT_TRUE(scheduler.next_assignments(t0 + 10s).empty());
  scheduler.completed(first[2].block, peer(1), t0 + 10s);
  // A success ends the demotion: the limit is what its throughput earns.
  EXPECT_EQ(scheduler.slot_limit(peer(1)), limits.min_slots);
  EXPECT_FALSE(scheduler.next_assignments(t0 + 10s).empty());
}

TEST(SchedulerTest, AFailedBlockIsRetriedOnAnotherPeerFirst) {
  CheckedScheduler scheduler(blocks_of(100));
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  const auto batch = scheduler.next_assignments(t0);
  const auto lost = for_peer(batch, 1).front().block;
  scheduler.failed(lost, peer(1), "reset", t0);
  // Peer 2 frees a slot: the retry comes before any fresh block.
  const auto on_two = for_peer(batch, 2).front().block;
  scheduler.completed(on_two, peer(2), t0 + 5ms);
  const auto next = scheduler.next_assignments(t0 + 5ms);
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.front(), (Assignment{lost, peer(2)}));
}

TEST(SchedulerTest, ARemovedPeerGetsNothingAndItsBlocksReturn) {
  CheckedScheduler scheduler(blocks_of(4));
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  const auto batch = scheduler.next_assignments(t0);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(scheduler.peers_streaming(), 2u);
  scheduler.remove_peer(peer(2));
  EXPECT_EQ(scheduler.peers_streaming(), 1u);
  for (const auto& a : for_peer(batch, 2))
    scheduler.completed(a.block, peer(2), t0 + 1ms);  // late news from the dead: ignored
  EXPECT_EQ(scheduler.progress().verified_bytes, 0u);
  for (const auto& a : for_peer(batch, 1))
    scheduler.completed(a.block, peer(1), t0 + 1ms);
  const auto retry = scheduler.next_assignments(t0 + 1ms);
  ASSERT_EQ(retry.size(), 2u);
  for (const auto& a : retry)
    EXPECT_EQ(a.peer, peer(1));
  for (const auto& a : retry)
    scheduler.completed(a.block, peer(1), t0 + 2ms);
  EXPECT_TRUE(scheduler.finished());
}

TEST(SchedulerTest, ABlockThatKeepsFailingFailsTheDownloadWithItsErrors) {
  Scheduler::Limits limits;
  limits.max_attempts = 3;
  CheckedScheduler scheduler(blocks_of(1), limits);
  scheduler.add_peer(peer(7));
  auto now = t0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const auto batch = scheduler.next_assignments(now);
    ASSERT_EQ(batch.size(), 1u) << "attempt " << attempt;
    scheduler.failed(batch[0].block, peer(7), "reset #" + std::to_string(attempt), now);
    now += 1min;
  }
  ASSERT_TRUE(scheduler.failure().has_value());
  const auto& reason = *scheduler.failure();
  EXPECT_NE(reason.find("block 0 (file 0, bytes 0-1048576)"), std::string::npos) << reason;
  EXPECT_NE(reason.find("peer 7: reset #2"), std::string::npos) << reason;
  EXPECT_NE(reason.find("failed 3 times"), std::string::npos) << reason;
  EXPECT_TRUE(scheduler.next_assignments(now).empty());
}

TEST(SchedulerTest, APeerSendingCorruptBlocksIsDemotedThenDropped) {
  Scheduler::Limits limits;
  limits.initial_slots = 4;
  CheckedScheduler scheduler(blocks_of(100), limits);
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  const auto first = scheduler.next_assignments(t0);
  for (const auto& a : for_peer(first, 2))
    scheduler.completed(a.block, peer(2), t0);
  const auto batch = for_peer(first, 1);
  ASSERT_EQ(batch.size(), 4u);
  scheduler.corrupt(batch[0].block, peer(1), t0);
  EXPECT_EQ(scheduler.slot_limit(peer(1)), 2u);
  scheduler.corrupt(batch[1].block, peer(1), t0);
  EXPECT_TRUE(scheduler.has_usable_peers());
  scheduler.corrupt(batch[2].block, peer(1), t0);
  EXPECT_EQ(scheduler.slot_limit(peer(1)), 0u) << "dropped after three corrupt blocks";
  EXPECT_EQ(scheduler.in_flight(peer(1)), 0u);
  // Its blocks (three corrupt, one orphaned) go to peer 2.
  std::set<std::size_t> retried;
  auto now = t0 + 1ms;
  while (retried.size() < 4) {
    const auto next = scheduler.next_assignments(now);
    ASSERT_FALSE(next.empty());
    for (const auto& a : next) {
      EXPECT_EQ(a.peer, peer(2));
      if (a.block < block(4))
        retried.insert(a.block.value());
      scheduler.completed(a.block, a.peer, now);
    }
    now += 1ms;
  }
  EXPECT_FALSE(scheduler.failure().has_value());
}

TEST(SchedulerTest, EndGameDuplicatesTheSlowestBlockAndCancelsTheLoser) {
  CheckedScheduler scheduler(blocks_of(40));
  scheduler.add_peer(peer(1));  // fast
  scheduler.add_peer(peer(2));  // slow
  auto now = t0;
  // Measure both: peer 2 finishes its first blocks much later.
  const auto first = scheduler.next_assignments(now);
  for (const auto& a : for_peer(first, 1))
    scheduler.completed(a.block, peer(1), now + 20ms);
  for (const auto& a : for_peer(first, 2))
    scheduler.completed(a.block, peer(2), now + 1s);
  now += 1s;
  // Hand everything out: peer 2 takes its share and keeps it, peer 1 works
  // through the rest, then, idle, duplicates what peer 2 holds.
  std::set<Scheduler::BlockIndex> slow_held;
  std::vector<Assignment> duplicates;
  while (duplicates.empty()) {
    const auto batch = scheduler.next_assignments(now);
    ASSERT_FALSE(batch.empty());
    for (const auto& a : batch) {
      if (a.peer == peer(2)) {
        slow_held.insert(a.block);
      } else if (slow_held.contains(a.block)) {
        duplicates.push_back(a);
      } else {
        now += 5ms;
        scheduler.completed(a.block, peer(1), now);
      }
    }
  }
  ASSERT_EQ(duplicates.size(), slow_held.size());
  EXPECT_EQ(scheduler.peers_streaming(), 2u);
  for (const auto& d : duplicates) {
    const auto cancelled = scheduler.completed(d.block, peer(1), now + 10ms);
    ASSERT_EQ(cancelled.size(), 1u);
    EXPECT_EQ(cancelled[0], (Assignment{d.block, peer(2)}));
  }
  EXPECT_TRUE(scheduler.finished());
  EXPECT_EQ(scheduler.in_flight(peer(2)), 0u);
  EXPECT_EQ(scheduler.peers_streaming(), 0u);
  EXPECT_EQ(scheduler.progress().verified_bytes, 40u * kMiB);
}

TEST(SchedulerTest, EndGameDoesNotDuplicateOntoASlowerPeer) {
  CheckedScheduler scheduler(blocks_of(6));
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  const auto first = scheduler.next_assignments(t0);
  for (const auto& a : for_peer(first, 1))
    scheduler.completed(a.block, peer(1), t0 + 20ms);  // fast
  for (const auto& a : for_peer(first, 2))
    scheduler.completed(a.block, peer(2), t0 + 1s);  // slow
  const auto fast_batch = for_peer(scheduler.next_assignments(t0 + 1s), 1);
  ASSERT_EQ(fast_batch.size(), 2u);
  // Peer 1 holds the last two blocks; peer 2 is slower: no duplicate for it.
  EXPECT_TRUE(scheduler.next_assignments(t0 + 1s).empty());
  EXPECT_EQ(scheduler.in_flight(peer(2)), 0u);
}

TEST(SchedulerSwarmTest, APartialPeerGetsOnlyItsBlocks) {
  Scheduler::Limits limits;
  limits.initial_slots = 8;
  CheckedScheduler scheduler(blocks_of(10), limits);
  scheduler.set_peer_blocks(peer(1), map_of(10, {2, 5, 7}));
  const auto batch = scheduler.next_assignments(t0);
  EXPECT_EQ(blocks_in(batch), (std::set<std::size_t>{2, 5, 7}));
  EXPECT_EQ(for_peer(batch, 1).size(), 3u);
  for (const auto& a : batch)
    scheduler.completed(a.block, peer(1), t0 + 1ms);
  EXPECT_TRUE(scheduler.next_assignments(t0 + 1ms).empty()) << "it has nothing else";
  EXPECT_FALSE(scheduler.finished());
}

TEST(SchedulerSwarmTest, TheRarestBlockComesFirst) {
  Scheduler::Limits limits;
  limits.initial_slots = 1;
  CheckedScheduler scheduler(blocks_of(10), limits);
  // Block 3: two peers have it; block 4: only peer 1.
  scheduler.set_peer_blocks(peer(1), map_of(10, {3, 4}));
  scheduler.set_peer_blocks(peer(2), map_of(10, {3}));
  EXPECT_EQ(scheduler.availability(block(3)), 2u);
  EXPECT_EQ(scheduler.availability(block(4)), 1u);
  const auto batch = scheduler.next_assignments(t0);
  EXPECT_EQ(for_peer(batch, 1), (std::vector<Assignment>{{block(4), peer(1)}}));
  EXPECT_EQ(for_peer(batch, 2), (std::vector<Assignment>{{block(3), peer(2)}}));
}

TEST(SchedulerSwarmTest, AFullPeerIsAskedFirstForWhatOnlyItHas) {
  Scheduler::Limits limits;
  limits.initial_slots = 2;
  CheckedScheduler scheduler(blocks_of(6), limits);
  scheduler.add_peer(peer(1));
  scheduler.set_peer_blocks(peer(2), map_of(6, {0, 1, 2}));
  EXPECT_EQ(scheduler.availability(block(0)), 2u);
  EXPECT_EQ(scheduler.availability(block(5)), 1u);
  const auto batch = scheduler.next_assignments(t0);
  EXPECT_EQ(blocks_in(for_peer(batch, 1)), (std::set<std::size_t>{3, 4}))
      << "a quarter into the run 3..5, which only peer 1 has";
  EXPECT_EQ(blocks_in(for_peer(batch, 2)), (std::set<std::size_t>{0, 1}));
}

TEST(SchedulerSwarmTest, AWalkDoesNotTrailAnotherDownloader) {
  // Peer 2 is another downloader that started at block 0 and fetches block 5
  // from the seeder now: asking the seeder for block 5 too would waste it.
  Scheduler::Limits limits;
  limits.initial_slots = 1;
  CheckedScheduler scheduler(blocks_of(100), limits);
  scheduler.add_peer(peer(1));
  scheduler.set_peer_blocks(peer(2), map_of(100, {0, 1, 2, 3, 4}));
  const auto first = for_peer(scheduler.next_assignments(t0), 1);
  ASSERT_EQ(first.size(), 1u);
  // A quarter into the run nobody else has (5..99), then on from there.
  EXPECT_EQ(first[0].block, block(5 + 95 / 4));
  scheduler.completed(first[0].block, peer(1), t0 + 1ms);
  const auto next = for_peer(scheduler.next_assignments(t0 + 1ms), 1);
  EXPECT_EQ(next, (std::vector<Assignment>{{block(first[0].block.value() + 1), peer(1)}}));
}

TEST(SchedulerSwarmTest, AWalkReachingAnotherDownloadersBlocksRestartsElsewhere) {
  Scheduler::Limits limits;
  limits.initial_slots = 1;
  limits.max_copies = 1;
  CheckedScheduler scheduler(blocks_of(100), limits);
  scheduler.add_peer(peer(1));
  scheduler.set_peer_blocks(peer(2), map_of(100, {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
  std::vector<std::size_t> order;
  auto now = t0;
  while (order.size() < 12) {
    now += 1ms;
    for (const auto& a : for_peer(scheduler.next_assignments(now), 1)) {
      order.push_back(a.block.value());
      scheduler.completed(a.block, peer(1), now);
    }
  }
  // 0..9, then not block 20 (where peer 2 fetches next) but inside 20..99.
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20 + 80 / 4, 41}));
}

TEST(SchedulerSwarmTest, FreshOrderStartsAtFirstBlockAndWraps) {
  const auto order_from = [](std::size_t first_block) {
    Scheduler::Limits limits;
    limits.initial_slots = 1;
    limits.max_copies = 1;
    limits.first_block = first_block;
    CheckedScheduler scheduler(blocks_of(10), limits);
    scheduler.add_peer(peer(1));
    std::vector<std::size_t> order;
    auto now = t0;
    while (!scheduler.finished() && order.size() < 20) {
      for (const auto& a : scheduler.next_assignments(now)) {
        order.push_back(a.block.value());
        scheduler.completed(a.block, peer(1), now + 1ms);
      }
      now += 1ms;
    }
    return order;
  };
  EXPECT_EQ(order_from(0), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(order_from(13), (std::vector<std::size_t>{3, 4, 5, 6, 7, 8, 9, 0, 1, 2}))
      << "13 modulo 10 blocks";
}

TEST(SchedulerSwarmTest, AGrowingMapGivesThePeerItsNewBlocks) {
  Scheduler::Limits limits;
  limits.initial_slots = 4;
  CheckedScheduler scheduler(blocks_of(6), limits);
  scheduler.set_peer_blocks(peer(1), map_of(6, {}));
  EXPECT_TRUE(scheduler.next_assignments(t0).empty());
  scheduler.set_peer_blocks(peer(1), map_of(6, {0}));
  EXPECT_EQ(scheduler.next_assignments(t0), (std::vector<Assignment>{{block(0), peer(1)}}));
  scheduler.set_peer_blocks(peer(1), map_of(6, {0, 1, 2}));
  EXPECT_EQ(blocks_in(scheduler.next_assignments(t0)), (std::set<std::size_t>{1, 2}));
  EXPECT_EQ(scheduler.availability(block(2)), 1u);
  EXPECT_EQ(scheduler.availability(block(3)), 0u);
}

TEST(SchedulerSwarmTest, APeerThatCompletesGetsEveryBlock) {
  Scheduler::Limits limits;
  limits.initial_slots = 4;
  CheckedScheduler scheduler(blocks_of(4), limits);
  scheduler.set_peer_blocks(peer(1), map_of(4, {2}));
  EXPECT_EQ(scheduler.next_assignments(t0), (std::vector<Assignment>{{block(2), peer(1)}}));
  scheduler.set_peer_complete(peer(1));
  EXPECT_EQ(scheduler.availability(block(0)), 1u);
  EXPECT_EQ(scheduler.availability(block(2)), 1u);
  EXPECT_EQ(blocks_in(scheduler.next_assignments(t0)), (std::set<std::size_t>{0, 1, 3}));
}

TEST(SchedulerSwarmTest, RemovingAPeerLowersAvailability) {
  Scheduler::Limits limits;
  limits.initial_slots = 1;
  CheckedScheduler scheduler(blocks_of(4), limits);
  scheduler.add_peer(peer(1));
  scheduler.set_peer_blocks(peer(2), map_of(4, {0, 1}));
  EXPECT_EQ(scheduler.availability(block(0)), 2u);
  EXPECT_EQ(scheduler.availability(block(2)), 1u);
  scheduler.remove_peer(peer(2));
  EXPECT_EQ(scheduler.availability(block(0)), 1u);
  EXPECT_EQ(scheduler.availability(block(2)), 1u);
  // Block 0 is no longer less rare than block 2: the fresh order decides.
  EXPECT_EQ(scheduler.next_assignments(t0), (std::vector<Assignment>{{block(0), peer(1)}}));
  scheduler.remove_peer(peer(1));
  EXPECT_EQ(scheduler.availability(block(0)), 0u);
}

TEST(SchedulerSwarmTest, ARetryGoesOnlyToAPeerThatHasTheBlock) {
  Scheduler::Limits limits;
  limits.initial_slots = 1;
  CheckedScheduler scheduler(blocks_of(4), limits);
  scheduler.add_peer(peer(1));
  scheduler.set_peer_blocks(peer(2), map_of(4, {1}));
  const auto first = scheduler.next_assignments(t0);
  ASSERT_EQ(for_peer(first, 1), (std::vector<Assignment>{{block(0), peer(1)}}));
  ASSERT_EQ(for_peer(first, 2), (std::vector<Assignment>{{block(1), peer(2)}}));
  scheduler.failed(block(0), peer(1), "reset", t0);
  scheduler.completed(block(1), peer(2), t0 + 1ms);
  // Peer 1 backs off; peer 2 is free but does not have block 0.
  EXPECT_TRUE(scheduler.next_assignments(t0 + 1ms).empty());
  const auto wakeup = scheduler.next_wakeup(t0 + 1ms);
  ASSERT_TRUE(wakeup.has_value());
  const auto retry = scheduler.next_assignments(*wakeup);
  EXPECT_EQ(retry, (std::vector<Assignment>{{block(0), peer(1)}}))
      << "the retry, before fresh blocks";
}

TEST(SchedulerSwarmTest, EndGameCopiesGoOnlyToPeersHavingTheBlock) {
  Scheduler::Limits limits;
  limits.initial_slots = 2;
  CheckedScheduler scheduler(blocks_of(4), limits);
  scheduler.add_peer(peer(1));                            // slow, holds blocks 2 and 3
  scheduler.set_peer_blocks(peer(2), map_of(4, {0, 1}));  // fast
  const auto first = scheduler.next_assignments(t0);
  ASSERT_EQ(blocks_in(for_peer(first, 1)), (std::set<std::size_t>{2, 3}));
  ASSERT_EQ(blocks_in(for_peer(first, 2)), (std::set<std::size_t>{0, 1}));
  for (const auto& a : for_peer(first, 2))
    scheduler.completed(a.block, peer(2), t0 + 20ms);
  ASSERT_GT(scheduler.throughput(peer(2)), 0);
  EXPECT_TRUE(scheduler.next_assignments(t0 + 20ms).empty()) << "peer 2 has neither 2 nor 3";
  // The same peer with every block copies both.
  scheduler.set_peer_complete(peer(2));
  const auto copies = scheduler.next_assignments(t0 + 20ms);
  EXPECT_EQ(copies, (std::vector<Assignment>{{block(2), peer(2)}, {block(3), peer(2)}}));
}

TEST(SchedulerSwarmTest, PartialPeersWithNothingNeededAreNotUsable) {
  CheckedScheduler scheduler(blocks_of(3));
  scheduler.mark_done(block(0));
  scheduler.set_peer_blocks(peer(1), map_of(3, {}));
  scheduler.set_peer_blocks(peer(2), map_of(3, {0}));
  EXPECT_FALSE(scheduler.has_usable_peers()) << "block 0 is already here";
  EXPECT_TRUE(scheduler.next_assignments(t0).empty());
  scheduler.set_peer_blocks(peer(2), map_of(3, {0, 2}));
  EXPECT_TRUE(scheduler.has_usable_peers());
  const auto batch = scheduler.next_assignments(t0);
  ASSERT_EQ(batch, (std::vector<Assignment>{{block(2), peer(2)}}));
  // In flight still counts as needed; done does not.
  EXPECT_TRUE(scheduler.has_usable_peers());
  scheduler.completed(block(2), peer(2), t0 + 1ms);
  EXPECT_FALSE(scheduler.has_usable_peers());
  scheduler.add_peer(peer(3));
  EXPECT_TRUE(scheduler.has_usable_peers());
  scheduler.remove_peer(peer(3));
  EXPECT_FALSE(scheduler.has_usable_peers());
}

TEST(SchedulerSwarmTest, AnEmptyMapGetsNothingWhileAFullPeerWorks) {
  Scheduler::Limits limits;
  limits.initial_slots = 3;
  CheckedScheduler scheduler(blocks_of(8), limits);
  scheduler.set_peer_blocks(peer(1), map_of(8, {}));
  scheduler.add_peer(peer(2));
  const auto batch = scheduler.next_assignments(t0);
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_TRUE(for_peer(batch, 1).empty());
  EXPECT_EQ(scheduler.in_flight(peer(1)), 0u);
}

TEST(SchedulerSwarmTest, AMapOfTheWrongSizeOrForADroppedPeerIsIgnored) {
  Scheduler::Limits limits;
  limits.initial_slots = 4;
  CheckedScheduler scheduler(blocks_of(8), limits);
  scheduler.set_peer_blocks(peer(1), std::vector<bool>(7, true));
  EXPECT_FALSE(scheduler.has_usable_peers()) << "not added";
  scheduler.add_peer(peer(1));
  scheduler.add_peer(peer(2));
  for (const auto& a : for_peer(scheduler.next_assignments(t0), 1))
    scheduler.corrupt(a.block, peer(1), t0);
  ASSERT_EQ(scheduler.slot_limit(peer(1)), 0u) << "dropped";
  // The next bitmap poll must not bring it back.
  scheduler.set_peer_blocks(peer(1), std::vector<bool>(8, true));
  scheduler.set_peer_complete(peer(1));
  EXPECT_EQ(scheduler.slot_limit(peer(1)), 0u);
  EXPECT_EQ(scheduler.availability(block(0)), 1u);
  scheduler.add_peer(peer(1));  // an explicit add takes it back
  EXPECT_GT(scheduler.slot_limit(peer(1)), 0u);
  EXPECT_EQ(scheduler.availability(block(0)), 2u);
}

}  // namespace
}  // namespace lanspread::peer::download
