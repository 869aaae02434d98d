#include "peer/install/progress_throttle.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer::install {
namespace {
using namespace std::chrono_literals;

TEST(ProgressThrottle, FirstReportPassesThenOnePerInterval) {
  ProgressThrottle throttle(250ms);
  const ProgressThrottle::Clock::time_point start{};
  EXPECT_TRUE(throttle.due(start + 1h));
  EXPECT_FALSE(throttle.due(start + 1h + 10ms));
  EXPECT_FALSE(throttle.due(start + 1h + 249ms));
  EXPECT_TRUE(throttle.due(start + 1h + 250ms));
  EXPECT_FALSE(throttle.due(start + 1h + 400ms));
  EXPECT_TRUE(throttle.due(start + 1h + 500ms));
}

}  // namespace
}  // namespace lanspread::peer::install
