#include "peer/services/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "peer/services/upload_slots.hpp"

// The pacing shared by uploads (and by downloads): the rate holds on
// average, peers take turns, a lifted limit frees everyone at once.
namespace lanspread::peer {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(RateLimiter, WithoutALimitNothingWaitsOrIsSplit) {
  asio::io_context io;
  RateLimiter limiter(io.get_executor());
  EXPECT_EQ(limiter.piece(8 << 20), std::size_t{8 << 20});
  int granted = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 1000; ++i) {
          co_await limiter.acquire("peer", 1 << 30);
          ++granted;
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(granted, 1000);
}

TEST(RateLimiter, HoldsTheRateOnAverage) {
  asio::io_context io;
  RateLimiter limiter(io.get_executor());
  constexpr std::uint64_t kRate = 2'000'000;  // bytes per second
  limiter.set_rate(kRate);
  EXPECT_EQ(limiter.piece(1 << 20), std::size_t{64 * 1024});
  constexpr std::size_t kPiece = 50'000;
  constexpr int kPieces = 20;  // 1 MB: half a second at the rate
  // Timed from before the first request: a thread descheduled after a
  // grant only makes the run longer, never shorter.
  const auto start = Clock::now();
  Clock::time_point last{};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < kPieces; ++i) {
          co_await limiter.acquire("peer", kPiece);
          last = Clock::now();
        }
      },
      asio::detached);
  io.run();
  // The first piece goes at once, the other 19 take 19 * 25 ms, less the
  // 20 ms of credit the limiter allows, and up to 20 ms more when the first
  // request comes late enough (a loaded machine) to start from a full credit.
  const auto expected = std::chrono::duration<double>((kPieces - 1) * kPiece / double(kRate));
  const std::chrono::duration<double> took = last - start;
  EXPECT_GE(took.count(), expected.count() - 0.041) << took.count();
  EXPECT_LT(took.count(), expected.count() * 3) << "pacing far below the rate";
}

TEST(RateLimiter, PeersTakeTurnsWhateverTheirNumberOfStreams) {
  asio::io_context io;
  RateLimiter limiter(io.get_executor());
  // 50 kB pieces at 1 MB/s: 50 ms each, more than the 20 ms of burst the
  // limiter allows, so after the first every piece waits its turn.
  limiter.set_rate(1'000'000);
  std::vector<std::string> order;
  const auto stream = [&](std::string peer) -> asio::awaitable<void> {
    co_await limiter.acquire(peer, 50'000);
    order.push_back(peer);
  };
  // The greedy peer asks with four streams before the other asks once.
  for (int i = 0; i < 4; ++i)
    asio::co_spawn(io, stream("greedy"), asio::detached);
  asio::co_spawn(io, stream("modest"), asio::detached);
  io.run();
  // The first request passes at once; the modest peer is next in turn.
  EXPECT_EQ(order, (std::vector<std::string>{"greedy", "modest", "greedy", "greedy", "greedy"}));
}

TEST(RateLimiter, LiftingTheLimitReleasesEveryWaiter) {
  asio::io_context io;
  RateLimiter limiter(io.get_executor());
  limiter.set_rate(1000);  // 1 kB/s: a 100 kB piece would take 100 s
  int granted = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await limiter.acquire("peer", 100'000);
          ++granted;
        },
        asio::detached);
  }
  const auto start = Clock::now();
  // The first passes at once; the second would wait 100 s.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await asio::post(io, asio::use_awaitable);
        limiter.set_rate(0);
      },
      asio::detached);
  io.run();
  EXPECT_EQ(granted, 3);
  EXPECT_LT(Clock::now() - start, 10s);
}

TEST(UploadSlots, APeerBeyondItsCapWaitsAndOthersDoNot) {
  asio::io_context io;
  UploadSlots slots(io.get_executor(), 2);
  std::vector<std::string> started;
  std::vector<UploadSlots::Slot> held;
  const auto upload = [&](std::string peer) -> asio::awaitable<void> {
    auto slot = co_await slots.take(peer);
    started.push_back(peer);
    held.push_back(std::move(slot));
  };
  // A waiting coroutine keeps io.run() from returning: run until settled.
  const auto run_until = [&io](std::size_t handlers) {
    for (std::size_t i = 0; i < handlers; ++i)
      io.poll_one();
  };
  for (int i = 0; i < 3; ++i)
    asio::co_spawn(io, upload("greedy"), asio::detached);
  asio::co_spawn(io, upload("other"), asio::detached);
  run_until(100);
  EXPECT_EQ(started, (std::vector<std::string>{"greedy", "greedy", "other"}));
  EXPECT_EQ(slots.running("greedy"), 2u);

  // One of the greedy peer's uploads ends: its waiting one starts.
  held.erase(held.begin());
  run_until(100);
  EXPECT_EQ(started, (std::vector<std::string>{"greedy", "greedy", "other", "greedy"}));
  EXPECT_EQ(slots.running("greedy"), 2u);
  held.clear();
  io.run();
  EXPECT_EQ(slots.running("greedy"), 0u);
  EXPECT_EQ(slots.running("other"), 0u);
}

}  // namespace
}  // namespace lanspread::peer
