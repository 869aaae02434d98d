#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lanspread::test {

// How a child process ended; neither killed nor an exit code: another
// signal ended it (POSIX).
struct ProcessEnd {
  // Killed outright: SIGKILL on POSIX; on Windows TerminateProcess with
  // kKilledExitCode, which ChildProcess::kill and crash_here use.
  bool killed = false;
  std::optional<int> exit_code;  // set when it exited by itself
};

// The exit code Windows reports for a process killed by ChildProcess::kill or
// test::crash_here (TerminateProcess sets whatever code its caller chooses):
// 128 + SIGKILL, what a POSIX shell reports for a killed command.
inline constexpr int kKilledExitCode = 137;

// A program run by a test, with its stdout and stderr captured. argv and the
// environment are UTF-8 on every system.
class ChildProcess {
 public:
  // Variables set for the child on top of this process's environment.
  using Environment = std::vector<std::pair<std::string, std::string>>;

  explicit ChildProcess(const std::vector<std::string>& argv, const Environment& environment = {});
#ifndef _WIN32
  // Forks (no exec): the child runs `body` with its stdout and stderr going
  // to the pipes and exits with what `body` returns. POSIX only; on Windows a
  // test re-runs its own program instead (support/test_child.hpp).
  explicit ChildProcess(const std::function<int()>& body);
#endif
  ~ChildProcess();  // kills the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads output until `text` appears in stderr (or stdout); false on timeout
  // or when the child exits first.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);
  // The next complete stdout line (after those already returned) that
  // `accept` takes; lines before it are skipped. nullopt on timeout or exit.
  std::optional<std::string> next_line(const std::function<bool(const std::string&)>& accept,
                                       std::chrono::milliseconds timeout);
  // SIGINT or SIGTERM asks the child to stop. POSIX sends the signal. On
  // Windows a console program's counterpart is a console control event, and
  // the only one that can be aimed at one process is Ctrl-Break (the child is
  // started in a process group of its own, which Windows starts with Ctrl-C
  // ignored): both send it, and the C runtime raises SIGBREAK for it.
  void send_signal(int signal);
  // SIGKILL, or TerminateProcess: the child gets no say.
  void kill();
  // How the child ended, or nullopt if it still runs after `timeout`.
  std::optional<ProcessEnd> wait(std::chrono::milliseconds timeout);
  // Exit code, or nullopt if the child did not exit by itself in time.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  const std::string& out() const {
    return out_;
  }
  const std::string& err() const {
    return err_;
  }

 private:
  // The process and its pipes, as the system has them.
  struct Os;

  // Reads what is available within `timeout`; false once both pipes closed.
  bool pump(std::chrono::milliseconds timeout);
  // After the pipes closed (`closed`) or the deadline passed: the end, if any.
  std::optional<ProcessEnd> reap(bool closed);

  std::unique_ptr<Os> os_;
  std::string out_;
  std::string err_;
  std::size_t line_cursor_ = 0;  // where next_line continues in out_
};

// Runs to completion (at most 60 s) and returns exit code and output.
struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Finished run(const std::vector<std::string>& argv);

}  // namespace lanspread::test
