// TestChild on POSIX: fork.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>

#include "support/test_child.hpp"

namespace lanspread::test {

TestChild::TestChild(const std::vector<TempDir*>& /*shared: a fork shares everything*/,
                     const std::function<void()>& body)
    : process_(std::make_unique<ChildProcess>([&body] {
        body();
        return ::testing::Test::HasFailure() ? 1 : 0;
      })) {}

void crash_here() {
  raise(SIGKILL);
  std::abort();  // unreachable: SIGKILL cannot be caught
}

std::filesystem::path this_program() {
  return std::filesystem::read_symlink("/proc/self/exe");
}

}  // namespace lanspread::test
