#include "peer/services/rate_limiter.hpp"

#include <algorithm>

#include "async/wakeup.hpp"

namespace lanspread::peer {
namespace {

// Pieces of 64 KiB: at 10 Mbit/s one takes 52 ms, short enough that turns
// between peers look continuous, large enough that pacing costs little.
constexpr std::size_t kPieceBytes = 64 * 1024;
// Credit a late timer may catch up on, so wake-up latency does not lower the
// rate; also the largest burst above the rate.
constexpr auto kTolerance = std::chrono::milliseconds(20);

}  // namespace

RateLimiter::RateLimiter(const asio::any_io_executor& executor)
    : executor_(executor), timer_(executor) {}

RateLimiter::~RateLimiter() = default;

void RateLimiter::set_rate(std::uint64_t bytes_per_second) {
  bytes_per_second_ = bytes_per_second;
  drained_at_ = Clock::now();
  if (timer_armed_)
    timer_.cancel();  // its handler dispatches at the new rate
  else
    dispatch();
}

std::size_t RateLimiter::piece(std::size_t wanted) const {
  return bytes_per_second_ == 0 ? wanted : std::min(wanted, kPieceBytes);
}

asio::awaitable<void> RateLimiter::acquire(const std::string& who, std::size_t bytes) {
  if (bytes_per_second_ == 0 && waiting_.empty())
    co_return;
  auto wakeup = std::make_shared<async::Wakeup>(executor_);
  waiting_[who].push_back(Waiter{bytes, wakeup});
  dispatch();
  co_await wakeup->wait();
}

void RateLimiter::dispatch() {
  while (!timer_armed_ && !waiting_.empty()) {
    const auto now = Clock::now();
    if (bytes_per_second_ != 0 && drained_at_ - kTolerance > now) {
      timer_armed_ = true;
      timer_.expires_at(drained_at_ - kTolerance);
      timer_.async_wait([this](std::error_code) {
        timer_armed_ = false;
        dispatch();
      });
      return;
    }
    grant_next(now);
  }
}

void RateLimiter::grant_next(Clock::time_point now) {
  // Round robin over names: the first one after the last served.
  auto next = waiting_.upper_bound(last_served_);
  if (next == waiting_.end())
    next = waiting_.begin();
  last_served_ = next->first;
  const auto waiter = std::move(next->second.front());
  next->second.pop_front();
  if (next->second.empty())
    waiting_.erase(next);

  if (bytes_per_second_ != 0) {
    const auto cost = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        static_cast<double>(waiter.bytes) / static_cast<double>(bytes_per_second_)));
    drained_at_ = std::max(drained_at_, now - kTolerance) + cost;
  }
  waiter.wakeup->notify();
}

}  // namespace lanspread::peer
