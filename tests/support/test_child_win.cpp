// TestChild on Windows: the test program runs itself again, on this test
// alone, and the child runs the test up to the same TestChild.
#include <gtest/gtest.h>
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "base/utf8_path.hpp"
#include "support/test_child.hpp"

namespace lanspread::test {
namespace {

// Which TestChild of the test to run, counted from 1; set only in a child.
constexpr auto kChildVariable = "LANSPREAD_TEST_CHILD";
// The parent's `shared` folders, in order, separated by '|' (which no
// Windows name can hold).
constexpr auto kFoldersVariable = "LANSPREAD_TEST_CHILD_FOLDERS";

std::optional<std::wstring> variable(const char* name) {
  const std::wstring wide_name(name, name + std::char_traits<char>::length(name));
  const DWORD size = GetEnvironmentVariableW(wide_name.c_str(), nullptr, 0);
  if (size == 0)
    return std::nullopt;
  std::wstring value(size, L'\0');
  value.resize(GetEnvironmentVariableW(wide_name.c_str(), value.data(), size));
  return value;
}

// Counts the TestChild objects of the running test, from its start (a
// listener, so that a test run again by --gtest_repeat counts from 1 again).
class ChildCounter : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& /*test*/) override { count = 0; }
  int count = 0;
};

// The how-manieth TestChild of the running test this one is.
int count_in_test() {
  static ChildCounter* const counter = [] {
    auto* listener = new ChildCounter;  // gtest owns its listeners
    ::testing::UnitTest::GetInstance()->listeners().Append(listener);
    return listener;
  }();
  return ++counter->count;
}

// In the child, at the TestChild it was started for: the parent's folders,
// the body, the end of the process.
[[noreturn]] void run_as_child(const std::vector<TempDir*>& shared,
                               const std::function<void()>& body) {
  const auto folders = variable(kFoldersVariable).value_or(L"");
  std::size_t start = 0;
  for (auto* dir : shared) {
    const auto end = folders.find(L'|', start);
    dir->take_over(std::filesystem::path(folders.substr(start, end - start)));
    start = end == std::wstring::npos ? folders.size() : end + 1;
  }
  int code = 1;
  try {  // never back into the test: the child would go on with the parent's work
    body();
    code = ::testing::Test::HasFailure() ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the child process failed: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "the child process failed\n");
  }
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace

TestChild::TestChild(const std::vector<TempDir*>& shared, const std::function<void()>& body) {
  const int index = count_in_test();
  if (const auto target = variable(kChildVariable); target && std::stoi(*target) == index)
    run_as_child(shared, body);
  // Here in the parent, and in a child at a TestChild before its own: that
  // one starts a child of its own, on the child's folders, as the parent did.
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto name = std::string(test->test_suite_name()) + "." + test->name();
  if (name.find_first_of("*?:-") != std::string::npos)
    throw std::invalid_argument("no --gtest_filter can name " + name + " alone");
  std::string folders;
  for (const auto* dir : shared)
    folders += (folders.empty() ? "" : "|") + utf8_of(dir->path());
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{utf8_of(this_program()), "--gtest_filter=" + name},
      ChildProcess::Environment{{kChildVariable, std::to_string(index)},
                                {kFoldersVariable, folders}});
}

void crash_here() {
  TerminateProcess(GetCurrentProcess(), kKilledExitCode);
  std::abort();  // unreachable: TerminateProcess of itself does not return
}

std::filesystem::path this_program() {
  std::wstring name(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = GetModuleFileNameW(nullptr, name.data(), static_cast<DWORD>(name.size()));
    if (length < name.size()) {
      name.resize(length);
      return name;
    }
    name.resize(name.size() * 2);
  }
}

}  // namespace lanspread::test
