#include "support/test_child.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.hpp"

namespace lanspread::test {
namespace {
using namespace std::chrono_literals;

// A fixture that makes something different in every process: on Windows a
// child runs it again in folders of its own, and must still see the
// parent's.
class TestChildTest : public ::testing::Test {
 protected:
  TestChildTest() { write_file(temp_ / "made by.txt", std::to_string(std::random_device()())); }

  TempDir temp_;
};

TEST_F(TestChildTest, ACrashPointKillsTheChildThere) {
  const auto made_by = read_file(temp_ / "made by.txt");
  write_file(temp_ / "prepared.txt", "before the child");
  const auto run = run_in_child({&temp_}, [&] {
    write_file(temp_ / "seen.txt",
               read_file(temp_ / "made by.txt") + " " + read_file(temp_ / "prepared.txt"));
    write_file(temp_ / "während.txt", "written");
    crash_here();
    write_file(temp_ / "after.txt", "never");
  });
  ASSERT_TRUE(run.end.has_value()) << run.output;
  EXPECT_TRUE(run.end->killed) << run.output;
  EXPECT_EQ(read_file(temp_ / "seen.txt"), made_by + " before the child");
  EXPECT_EQ(read_file(temp_ / "während.txt"), "written");
  EXPECT_FALSE(std::filesystem::exists(temp_ / "after.txt"));
}

TEST_F(TestChildTest, AChildThatReturnsExitsWithZero) {
  const auto run = run_in_child({&temp_}, [&] { write_file(temp_ / "done.txt", "done"); });
  ASSERT_TRUE(run.end.has_value()) << run.output;
  EXPECT_FALSE(run.end->killed);
  EXPECT_EQ(run.end->exit_code, 0) << run.output;
  EXPECT_EQ(read_file(temp_ / "done.txt"), "done");
}

TEST_F(TestChildTest, AFailureInTheChildIsItsExitCodeAndOutput) {
  const auto run = run_in_child({}, [] { ADD_FAILURE() << "failed in the child"; });
  ASSERT_TRUE(run.end.has_value()) << run.output;
  EXPECT_EQ(run.end->exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("failed in the child"), std::string::npos) << run.output;
}

TEST_F(TestChildTest, AnExceptionEndsTheChildNotTheTest) {
  const auto run = run_in_child({}, [] { throw std::runtime_error("thrown in the child"); });
  ASSERT_TRUE(run.end.has_value()) << run.output;
  EXPECT_EQ(run.end->exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("thrown in the child"), std::string::npos) << run.output;
}

TEST_F(TestChildTest, TheChildTellsTheParentAndRunsUntilKilled) {
  TestChild child({&temp_}, [&] {
    tell_parent("ready: " + read_file(temp_ / "made by.txt"));
    for (;;)
      std::this_thread::sleep_for(1s);
  });
  const auto message = child.next_message(60s);
  ASSERT_TRUE(message.has_value()) << child.output();
  EXPECT_EQ(*message, "ready: " + read_file(temp_ / "made by.txt"));
  EXPECT_EQ(child.wait(100ms), std::nullopt);
  child.kill();
  const auto end = child.wait(30s);
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(end->killed);
}

TEST_F(TestChildTest, ASecondChildFollowsTheFirst) {
  const auto first = run_in_child({&temp_}, [&] {
    write_file(temp_ / "first.txt", "1");
    crash_here();
  });
  ASSERT_TRUE(first.end.has_value() && first.end->killed) << first.output;
  const auto second = run_in_child(
      {&temp_}, [&] { write_file(temp_ / "second.txt", read_file(temp_ / "first.txt") + "2"); });
  ASSERT_TRUE(second.end.has_value()) << second.output;
  EXPECT_EQ(second.end->exit_code, 0) << second.output;
  EXPECT_EQ(read_file(temp_ / "second.txt"), "12");
}

}  // namespace
}  // namespace lanspread::test
