#include "peer/peers/version_order.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer {
namespace {

TEST(VersionOrder, NumbersCompareAsNumbers) {
  EXPECT_TRUE(compare_versions("1.10", "1.9") > 0);
  EXPECT_TRUE(compare_versions("20240105", "20231231") > 0);
  EXPECT_TRUE(compare_versions("10", "9") > 0);
  EXPECT_TRUE(compare_versions("1.02", "1.2") == 0);
}

TEST(VersionOrder, AMissingComponentSortsFirst) {
  EXPECT_TRUE(compare_versions("1.2", "1.2.1") < 0);
  EXPECT_TRUE(compare_versions("1.2.0", "1.2") > 0);
  EXPECT_TRUE(compare_versions("", "1") < 0);
}

TEST(VersionOrder, TextComparesAsText) {
  EXPECT_TRUE(compare_versions("1.2b", "1.2a") > 0);
  EXPECT_TRUE(compare_versions("beta", "release") < 0);
  EXPECT_TRUE(compare_versions("v1", "v1") == 0);
}

TEST(VersionOrder, IsAntisymmetric) {
  const char* versions[] = {"1", "1.0", "1.10", "1.9", "2", "2a", "20240101", "", "x"};
  for (const auto* a : versions) {
    for (const auto* b : versions)
      EXPECT_EQ(compare_versions(a, b), 0 <=> compare_versions(b, a)) << a << " vs " << b;
  }
}

}  // namespace
}  // namespace lanspread::peer
