#pragma once

#include <chrono>
#include <memory>
#include <optional>

namespace lanspread::platform {

// Why a long-running command (serve, app, download, a transaction) is asked
// to stop.
enum class StopReason {
  Interrupted,  // Ctrl-C (SIGINT); on Windows also Ctrl-Break
  Terminated,   // SIGTERM; on Windows the console closed, the user logs off, the system shuts down
  Requested,    // the program itself: request_stop(), e.g. the UI's quit button
};

// The stop requests a command waits for. Linux: SIGINT and SIGTERM, blocked
// in the constructing thread (build it before any other thread starts, so
// every thread inherits the mask and only this object receives them), read
// through a signalfd. Windows: a console control handler for Ctrl-C,
// Ctrl-Break, console close, logoff and shutdown. Windows ends the process
// as soon as the handler returns from a close, logoff or shutdown (and
// after about 5 s in any case), so the handler waits until this object is
// destroyed, i.e. until the command has stopped cleanly (logoff and
// shutdown reach it only while user32.dll is not loaded: docs/windows.md).
// One at a time per process.
class StopRequests {
 public:
  StopRequests();
  ~StopRequests();
  StopRequests(const StopRequests&) = delete;
  StopRequests& operator=(const StopRequests&) = delete;

  // Blocks until a stop is requested. Once one came, every later call
  // returns it at once.
  StopReason wait();
  // The same, waiting at most `timeout` (zero: only looks).
  std::optional<StopReason> wait_for(std::chrono::milliseconds timeout);
  // Asks for a stop from any thread, without raising a signal.
  void request_stop();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lanspread::platform
