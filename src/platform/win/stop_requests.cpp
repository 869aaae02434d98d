#include "platform/stop_requests.hpp"

#include <windows.h>

#include <condition_variable>
#include <mutex>
#include <system_error>

#include "platform/win/console_events.hpp"

namespace lanspread::platform {

struct StopRequests::State {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<StopReason> reason;
  bool finished = false;  // the StopRequests is gone: the command has stopped

  void stop(StopReason why) {
    {
      const std::lock_guard lock(mutex);
      if (!reason)
        reason = why;
    }
    changed.notify_all();
  }
};

namespace {

// The handler is a plain function: it finds the one StopRequests alive
// through this, and holds its state while it waits.
std::mutex active_mutex;
std::shared_ptr<StopRequests::State> active;

BOOL WINAPI console_handler(DWORD event) {
  return win::deliver_console_event(event) ? TRUE : FALSE;
}

}  // namespace

namespace win {

bool deliver_console_event(unsigned long event) {
  std::shared_ptr<StopRequests::State> state;
  {
    const std::lock_guard lock(active_mutex);
    state = active;
  }
  if (!state)
    return false;
  switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
      state->stop(StopReason::Interrupted);
      return true;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT: {
      state->stop(StopReason::Terminated);
      // Returning lets Windows end the process: wait for the clean stop.
      std::unique_lock lock(state->mutex);
      state->changed.wait(lock, [&] { return state->finished; });
      return true;
    }
    default:
      return false;
  }
}

}  // namespace win

StopRequests::StopRequests() : state_(std::make_shared<State>()) {
  {
    const std::lock_guard lock(active_mutex);
    active = state_;
  }
  if (::SetConsoleCtrlHandler(console_handler, TRUE) == 0)
    throw std::system_error(static_cast<int>(::GetLastError()), std::system_category(),
                            "SetConsoleCtrlHandler");
}

StopRequests::~StopRequests() {
  {
    const std::lock_guard lock(active_mutex);
    if (active == state_)
      active.reset();
  }
  {
    const std::lock_guard lock(state_->mutex);
    state_->finished = true;
  }
  state_->changed.notify_all();
  // A Ctrl-C from now on ends the process, as it does by default.
  ::SetConsoleCtrlHandler(console_handler, FALSE);
}

StopReason StopRequests::wait() {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [&] { return state_->reason.has_value(); });
  return *state_->reason;
}

std::optional<StopReason> StopRequests::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait_for(lock, timeout, [&] { return state_->reason.has_value(); });
  return state_->reason;
}

void StopRequests::request_stop() {
  state_->stop(StopReason::Requested);
}

}  // namespace lanspread::platform
