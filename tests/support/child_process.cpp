// What ChildProcess does the same on every system; the process itself is
// child_process_posix.cpp or child_process_win.cpp.
#include "support/child_process.hpp"

namespace lanspread::test {
namespace {

std::chrono::milliseconds left_until(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                               std::chrono::steady_clock::now());
}

}  // namespace

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(text) == std::string::npos && out_.find(text) == std::string::npos) {
    const auto left = left_until(deadline);
    if (left.count() <= 0 || !pump(left))
      return false;
  }
  return true;
}

std::optional<std::string> ChildProcess::next_line(
    const std::function<bool(const std::string&)>& accept, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto end = out_.find('\n', line_cursor_); end != std::string::npos;
         end = out_.find('\n', line_cursor_)) {
      auto line = out_.substr(line_cursor_, end - line_cursor_);
      line_cursor_ = end + 1;
      if (!line.empty() && line.back() == '\r')  // a Windows program's text mode
        line.pop_back();
      if (accept(line))
        return line;
    }
    const auto left = left_until(deadline);
    if (left.count() <= 0 || !pump(left))
      return std::nullopt;
  }
}

std::optional<ProcessEnd> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Draining the pipes to EOF also means the child closed them: it exited.
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() < deadline)
    closed = !pump(left_until(deadline));
  return reap(closed);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto end = wait(timeout);
  return end ? end->exit_code : std::nullopt;
}

Finished run(const std::vector<std::string>& argv) {
  ChildProcess child(argv);
  Finished result;
  result.exit_code = child.wait_exit(std::chrono::seconds(60)).value_or(-1);
  result.out = child.out();
  result.err = child.err();
  return result;
}

}  // namespace lanspread::test
