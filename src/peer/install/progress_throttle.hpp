#pragma once

#include <chrono>
#include <optional>

namespace lanspread::peer::install {

// Lets a progress report through at most once per `interval` (the first one
// always), so a fast unpack does not flood the UI with events.
class ProgressThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ProgressThrottle(Clock::duration interval) : interval_(interval) {}

  bool due(Clock::time_point now = Clock::now()) {
    if (last_ && now - *last_ < interval_)
      return false;
    last_ = now;
    return true;
  }

 private:
  Clock::duration interval_;
  std::optional<Clock::time_point> last_;
};

}  // namespace lanspread::peer::install
