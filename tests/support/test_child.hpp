#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::test {

// A part of a test run in a child process, to be killed there: at a crash
// point (crash_here), or by the test (kill). One API, two mechanisms:
//
// - POSIX forks: the child is a copy of the test at that moment.
// - Windows has no fork. The test program runs itself again with
//   --gtest_filter=<this test> and the environment variable
//   LANSPREAD_TEST_CHILD; that child runs the test from the start (its
//   fixture, and whatever the test did before, in folders of its own) up to
//   the same TestChild, where it takes over the parent's `shared` folders
//   (TempDir::take_over), runs `body` and exits.
//
// So `body` must find what the parent prepared on disk, in `shared`, not in
// memory: state it needs is reloaded from those folders (an identity, an
// intent), and objects built before the TestChild must not keep paths into
// the child's own folders. What the child tells the parent goes through
// tell_parent. When `body` returns, the child exits with 1 if the test
// failed in it (its output says why) and 0 otherwise.
class TestChild {
 public:
  TestChild(const std::vector<TempDir*>& shared, const std::function<void()>& body);
  ~TestChild();  // kills the child if it still runs
  TestChild(const TestChild&) = delete;
  TestChild& operator=(const TestChild&) = delete;

  // The next line the child sent with tell_parent; nullopt on timeout or
  // when the child ended first.
  std::optional<std::string> next_message(std::chrono::milliseconds timeout);
  void kill() { process_->kill(); }
  // How the child ended, or nullopt if it still runs after `timeout`.
  std::optional<ProcessEnd> wait(std::chrono::milliseconds timeout) {
    return process_->wait(timeout);
  }
  // What the child printed, for a failure message.
  std::string output() const;

 private:
  std::unique_ptr<ChildProcess> process_;
};

// Runs `body` in a child process (TestChild) and waits for its end (at most
// 120 s); the test then checks `killed` (it reached crash_here) or its code.
struct ChildRun {
  std::optional<ProcessEnd> end;  // nullopt: it did not end in time
  std::string output;
};
ChildRun run_in_child(const std::vector<TempDir*>& shared, const std::function<void()>& body);

// In a child: dies at once, as from SIGKILL (raise(SIGKILL); on Windows
// TerminateProcess of itself, exit code kKilledExitCode). Nothing is
// flushed or destroyed: what the process wrote so far is all it leaves.
[[noreturn]] void crash_here();

// In a child: sends one line (no newline in it) to TestChild::next_message.
void tell_parent(std::string_view line);

// The test program itself.
std::filesystem::path this_program();

}  // namespace lanspread::test
