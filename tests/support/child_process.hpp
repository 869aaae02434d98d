#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/unique_fd.hpp"

namespace lanspread::test {

// A program run by a test, with its stdout and stderr captured.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
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
  void send_signal(int signal);
  // Exit code, or nullopt if the child did not exit normally in time.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  // Reads what is available within `timeout`; false once both pipes closed.
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  platform::UniqueFd out_fd_;
  platform::UniqueFd err_fd_;
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
