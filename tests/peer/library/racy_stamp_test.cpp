#include "peer/library/racy_stamp.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer {
namespace {

using namespace std::chrono_literals;

std::int64_t ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

TEST(RacyStamp, OnlyStampsWithinTheWindowAroundNowAreRacy) {
  const auto now = std::chrono::system_clock::time_point(1'800'000'000s);
  EXPECT_TRUE(is_racy_stamp(ns(now), 2s, now));
  EXPECT_TRUE(is_racy_stamp(ns(now - 1s), 2s, now));
  EXPECT_TRUE(is_racy_stamp(ns(now + 1s), 2s, now)) << "a write in this tick";
  EXPECT_FALSE(is_racy_stamp(ns(now - 3s), 2s, now));
}

TEST(RacyStamp, StampsFromBeforeTheClockWentBackAreNotRacy) {
  // Written at "now", then the wall clock was stepped back a day: a write
  // from here on gets an earlier stamp, so the old one still proves the file.
  const auto written = std::chrono::system_clock::time_point(1'800'000'000s);
  EXPECT_FALSE(is_racy_stamp(ns(written), 2s, written - 24h));
}

}  // namespace
}  // namespace lanspread::peer
