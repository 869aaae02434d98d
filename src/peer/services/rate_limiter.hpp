#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

namespace lanspread::async {
class Wakeup;
}

namespace lanspread::peer {

// Paces bytes to a rate shared by every stream that asks (all uploads, or
// all downloads, of one peer), so a seeder can keep playing while it shares.
// Callers are served one piece at a time in turn by name (a peer id), so a
// peer with many streams gets no more than a peer with one. Lives on one
// executor; every call comes from it.
class RateLimiter {
 public:
  explicit RateLimiter(const asio::any_io_executor& executor);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // 0 lifts the limit; callers already waiting are paced at the new rate.
  void set_rate(std::uint64_t bytes_per_second);
  std::uint64_t rate() const { return bytes_per_second_; }

  // The largest piece to ask for at once: small pieces keep the pacing
  // smooth, and without a limit there is nothing to split.
  std::size_t piece(std::size_t wanted) const;

  // Resumes once `bytes` may pass for `who`.
  asio::awaitable<void> acquire(const std::string& who, std::size_t bytes);

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiter {
    std::size_t bytes = 0;
    std::shared_ptr<async::Wakeup> wakeup;
  };

  // Grants waiters while the rate allows, then arms the timer for the next.
  void dispatch();
  void grant_next(Clock::time_point now);

  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::uint64_t bytes_per_second_ = 0;
  // When the bytes granted so far have drained at the rate (GCRA's
  // theoretical arrival time).
  Clock::time_point drained_at_{};
  std::map<std::string, std::deque<Waiter>> waiting_;
  std::string last_served_;
};

}  // namespace lanspread::peer
