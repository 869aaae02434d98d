#include "platform/file_lock.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace lanspread::platform {
namespace {

TEST(FileLockTest, OneHolderAtATimeUntilItLetsGo) {
  test::TempDir dir;
  const auto file = dir / "locks/cs16.lock";
  auto first = FileLock::try_acquire(file);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->has_value()) << "the lock is free";
  const auto second = FileLock::try_acquire(file);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->has_value()) << "held by the first";
  first->reset();
  const auto third = FileLock::try_acquire(file);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->has_value()) << "released with its holder";
}

}  // namespace
}  // namespace lanspread::platform
