#include "support/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "support/test_child.hpp"
#include "support/wine.hpp"

namespace lanspread::test {
namespace {
using namespace std::chrono_literals;

// child_helper_main.cpp, built beside this test program.
std::string helper() {
  const auto program = this_program();
  return utf8_of(program.parent_path() / ("child_helper" + utf8_of(program.extension())));
}

std::vector<std::string> lines_of(ChildProcess& child) {
  std::vector<std::string> lines;
  while (auto line = child.next_line([](const std::string&) { return true; }, 30s))
    lines.push_back(*line);
  return lines;
}

TEST(ChildProcessTest, ArgumentsArriveAsTheyWereGiven) {
  // Spaces, quotes and backslashes are what a Windows command line must
  // quote; the non-ASCII ones must not go through a code page.
  const std::vector<std::string> arguments = {
      "plain",           "two words",         "", R"(say "hi")", R"(C:\games\)", R"(C:\my games\)",
      R"(back\\"slash)", "Überspiel テスト 🎮"};
  std::vector<std::string> argv = {helper(), "echo"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ChildProcess child(argv);
  EXPECT_EQ(lines_of(child), arguments) << child.err();
  EXPECT_EQ(child.wait_exit(30s), 0);
}

TEST(ChildProcessTest, StderrAndTheExitCodeAreCaptured) {
  const auto failed = run({helper(), "exit", "42"});
  EXPECT_EQ(failed.exit_code, 42);
  const auto spoke = run({helper(), "stderr", "on stderr"});
  EXPECT_EQ(spoke.exit_code, 0);
  EXPECT_NE(spoke.err.find("on stderr"), std::string::npos);
  EXPECT_EQ(spoke.out, "");
}

TEST(ChildProcessTest, AMissingProgramIsReportedNotRun) {
  ChildProcess child({helper() + "-missing", "echo"});
  EXPECT_NE(child.err().find("cannot start"), std::string::npos);
  EXPECT_EQ(child.wait(1s), std::nullopt);
}

TEST(ChildProcessTest, KillEndsTheChildAtOnce) {
  ChildProcess child({helper(), "wait"});
  ASSERT_TRUE(child.wait_for_output("ready", 30s)) << child.err();
  EXPECT_EQ(child.wait(100ms), std::nullopt) << "it waits until stopped";
  child.kill();
  const auto end = child.wait(30s);
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(end->killed);
  EXPECT_EQ(end->exit_code, std::nullopt);
  EXPECT_EQ(child.out().find("stopping"), std::string::npos);
}

TEST(ChildProcessTest, TerminateAsksTheChildToStop) {
  if (running_under_wine()) {
    GTEST_SKIP() << "wine gives a program run without a terminal (as ctest runs it) a console "
                    "that takes no control events (GenerateConsoleCtrlEvent fails), nor can one "
                    "be borrowed from the child";
  }
  ChildProcess child({helper(), "wait"});
  ASSERT_TRUE(child.wait_for_output("ready", 30s)) << child.err();
  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_exit(30s), 3) << child.err();
  EXPECT_NE(child.out().find("stopping"), std::string::npos);
}

TEST(ChildProcessTest, TheEnvironmentGivenIsAddedToThisOne) {
  const ChildProcess::Environment added = {{"LANSPREAD_CHILD_PROCESS_TEST", "Überspiel テスト"}};
  ChildProcess given({helper(), "env", "LANSPREAD_CHILD_PROCESS_TEST"}, added);
  EXPECT_EQ(lines_of(given), std::vector<std::string>{"Überspiel テスト"}) << given.err();
  ChildProcess kept({helper(), "env", "PATH"}, added);
  const auto path = lines_of(kept);
  ASSERT_EQ(path.size(), 1u);
  EXPECT_NE(path[0], "unset") << "this process's environment is kept";
}

}  // namespace
}  // namespace lanspread::test
