#include <gtest/gtest.h>

#include "platform/command_line.hpp"
#include "platform/host_name.hpp"
#include "platform/terminal.hpp"

#ifdef _WIN32
#include <windows.h>

#include "platform/win/command_line.hpp"
#else
#include <unistd.h>
#endif

namespace lanspread::platform {
namespace {

// Points stderr at a pipe for the life of the object.
class StderrOnAPipe {
 public:
#ifdef _WIN32
  StderrOnAPipe() : saved_(::GetStdHandle(STD_ERROR_HANDLE)) {
    ::CreatePipe(&read_, &write_, nullptr, 0);
    ::SetStdHandle(STD_ERROR_HANDLE, write_);
  }
  ~StderrOnAPipe() {
    ::SetStdHandle(STD_ERROR_HANDLE, saved_);
    ::CloseHandle(read_);
    ::CloseHandle(write_);
  }

 private:
  HANDLE saved_;
  HANDLE read_ = nullptr;
  HANDLE write_ = nullptr;
#else
  StderrOnAPipe() : saved_(::dup(STDERR_FILENO)) {
    if (::pipe(ends_) == 0)
      ::dup2(ends_[1], STDERR_FILENO);
  }
  ~StderrOnAPipe() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(ends_[0]);
    ::close(ends_[1]);
  }

 private:
  int saved_;
  int ends_[2] = {-1, -1};
#endif
  StderrOnAPipe(const StderrOnAPipe&) = delete;
  StderrOnAPipe& operator=(const StderrOnAPipe&) = delete;
};

TEST(ConsoleTest, StderrOnAPipeIsNoTerminal) {
  const StderrOnAPipe pipe;
  EXPECT_FALSE(stderr_is_terminal());
}

TEST(ConsoleTest, PreparingTheConsoleWithoutOneDoesNoHarm) {
  const StderrOnAPipe pipe;
  prepare_console();
  EXPECT_FALSE(stderr_is_terminal());
}

TEST(ConsoleTest, TheArgumentsStartWithTheProgram) {
  char program[] = "platform_tests";
  char* argv[] = {program, nullptr};
  const auto arguments = utf8_arguments(1, argv);
  ASSERT_FALSE(arguments.empty());
  EXPECT_NE(arguments.front().find("platform_tests"), std::string::npos) << arguments.front();
}

TEST(ConsoleTest, TheMachineHasAName) {
  EXPECT_FALSE(host_name().empty());
}

#ifdef _WIN32

TEST(ConsoleTest, WideArgumentsBecomeUtf8) {
  const auto arguments =
      win::utf8_arguments_of(L"lanspread.exe serve --games \"D:\\Spiele f\u00fcr alle\"");
  ASSERT_EQ(arguments.size(), 4U);
  EXPECT_EQ(arguments[1], "serve");
  EXPECT_EQ(arguments[3], "D:\\Spiele für alle");
}

#endif

}  // namespace
}  // namespace lanspread::platform
