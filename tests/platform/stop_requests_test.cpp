#include "platform/stop_requests.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#ifdef _WIN32
#include <windows.h>

#include "platform/win/console_events.hpp"
#include "support/wine.hpp"
#else
#include <pthread.h>
#include <signal.h>
#endif

namespace lanspread::platform {
namespace {

using namespace std::chrono_literals;

TEST(StopRequestsTest, NothingIsRequestedUntilSomeoneAsks) {
  StopRequests stop;
  EXPECT_EQ(stop.wait_for(0ms), std::nullopt);
  EXPECT_EQ(stop.wait_for(50ms), std::nullopt);
}

TEST(StopRequestsTest, AStopRequestedFromAnotherThreadWakesTheWaiter) {
  StopRequests stop;
  std::jthread asker([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  EXPECT_EQ(stop.wait(), StopReason::Requested);
}

TEST(StopRequestsTest, AStopOnceRequestedIsAnsweredAgainAtOnce) {
  StopRequests stop;
  stop.request_stop();
  EXPECT_EQ(stop.wait_for(0ms), StopReason::Requested);
  EXPECT_EQ(stop.wait_for(0ms), StopReason::Requested);
  EXPECT_EQ(stop.wait(), StopReason::Requested);
}

#ifndef _WIN32

TEST(StopRequestsTest, SigintIsAnInterruption) {
  StopRequests stop;
  // To this thread, which blocks it: the process is not at risk.
  ASSERT_EQ(pthread_kill(pthread_self(), SIGINT), 0);
  EXPECT_EQ(stop.wait_for(5s), StopReason::Interrupted);
}

TEST(StopRequestsTest, SigtermIsATermination) {
  StopRequests stop;
  ASSERT_EQ(pthread_kill(pthread_self(), SIGTERM), 0);
  EXPECT_EQ(stop.wait_for(5s), StopReason::Terminated);
}

#else

TEST(StopRequestsTest, AGeneratedCtrlCIsAnInterruption) {
  // Ctrl-C goes to every process on a console: on a console of its own (a
  // new window on Windows), it reaches this test alone, never ctest. A
  // process started in a new process group ignores Ctrl-C until told not to.
  ::FreeConsole();
  if (::AllocConsole() == 0)
    GTEST_SKIP() << "cannot create a console (error " << ::GetLastError() << ")";
  ::SetConsoleCtrlHandler(nullptr, FALSE);
  StopRequests stop;
  ASSERT_NE(::GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0), 0) << ::GetLastError();
  EXPECT_EQ(stop.wait_for(5s), StopReason::Interrupted);
}

TEST(StopRequestsTest, CtrlBreakIsAnInterruption) {
  StopRequests stop;
  EXPECT_TRUE(win::deliver_console_event(CTRL_BREAK_EVENT));
  EXPECT_EQ(stop.wait_for(0ms), StopReason::Interrupted);
}

TEST(StopRequestsTest, AClosedConsoleWaitsForTheCleanStop) {
  std::future<bool> handled;
  {
    StopRequests stop;
    // Windows ends the process when the handler returns: it must not return
    // before the command has stopped, i.e. before `stop` is gone.
    handled =
        std::async(std::launch::async, [] { return win::deliver_console_event(CTRL_CLOSE_EVENT); });
    EXPECT_EQ(stop.wait_for(5s), StopReason::Terminated);
    EXPECT_EQ(handled.wait_for(200ms), std::future_status::timeout);
  }
  ASSERT_EQ(handled.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(handled.get());
}

TEST(StopRequestsTest, LogoffAndShutdownAreTerminations) {
  for (const DWORD event : {CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT}) {
    std::future<bool> handled;
    {
      StopRequests stop;
      handled =
          std::async(std::launch::async, [event] { return win::deliver_console_event(event); });
      EXPECT_EQ(stop.wait_for(5s), StopReason::Terminated) << event;
    }
    EXPECT_TRUE(handled.get()) << event;
  }
}

TEST(StopRequestsTest, WithoutStopRequestsAnEventIsLeftToWindows) {
  EXPECT_FALSE(win::deliver_console_event(CTRL_C_EVENT));
}

#endif

}  // namespace
}  // namespace lanspread::platform
