// What TestChild does the same on every system; starting the child is
// test_child_posix.cpp or test_child_win.cpp.
#include "support/test_child.hpp"

#include <cstdio>

namespace lanspread::test {
namespace {

// tell_parent's lines among the rest of the child's stdout (gtest's own).
constexpr std::string_view kMessagePrefix = "lanspread-test-child: ";

}  // namespace

TestChild::~TestChild() = default;

std::optional<std::string> TestChild::next_message(std::chrono::milliseconds timeout) {
  auto line = process_->next_line(
      [](const std::string& text) { return text.starts_with(kMessagePrefix); }, timeout);
  if (line)
    line->erase(0, kMessagePrefix.size());
  return line;
}

std::string TestChild::output() const {
  return "child stdout:\n" + process_->out() + "child stderr:\n" + process_->err();
}

void tell_parent(std::string_view line) {
  std::printf("%.*s%.*s\n", static_cast<int>(kMessagePrefix.size()), kMessagePrefix.data(),
              static_cast<int>(line.size()), line.data());
  std::fflush(stdout);
}

ChildRun run_in_child(const std::vector<TempDir*>& shared, const std::function<void()>& body) {
  TestChild child(shared, body);
  ChildRun run;
  run.end = child.wait(std::chrono::seconds(120));
  run.output = child.output();
  return run;
}

}  // namespace lanspread::test
