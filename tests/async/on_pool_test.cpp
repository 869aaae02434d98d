#include "async/on_pool.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <stdexcept>
#include <string>
#include <thread>

// Disk work handed to a pool must run there, never on the network thread
// that awaits it, and the coroutine must come back to its own thread after.
namespace lanspread::async {
namespace {

TEST(OnPool, TheWorkRunsOnThePoolAndTheCoroutineResumesAtHome) {
  asio::io_context io;
  asio::thread_pool pool(1);
  const auto home = std::this_thread::get_id();
  std::thread::id worked_on;
  std::thread::id resumed_on;
  int result = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        result = co_await on_pool(pool, [&] {
          worked_on = std::this_thread::get_id();
          return 42;
        });
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  pool.join();
  EXPECT_EQ(result, 42);
  EXPECT_NE(worked_on, home) << "the work ran on the thread that awaited it";
  EXPECT_EQ(resumed_on, home);
}

TEST(OnPool, AnExceptionFromTheWorkReachesTheCoroutineAtHome) {
  asio::io_context io;
  asio::thread_pool pool(1);
  const auto home = std::this_thread::get_id();
  std::string caught;
  std::thread::id caught_on;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await on_pool(pool, []() -> int { throw std::runtime_error("disk gone"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
          caught_on = std::this_thread::get_id();
        }
      },
      asio::detached);
  io.run();
  pool.join();
  EXPECT_EQ(caught, "disk gone");
  EXPECT_EQ(caught_on, home);
}

}  // namespace
}  // namespace lanspread::async
