#pragma once

#include <signal.h>

namespace lanspread::cli {

// Blocks SIGINT and SIGTERM in the calling thread and returns that set.
// Called before any thread starts, so every thread inherits the mask and
// only the command's own sigwait/sigtimedwait receives Ctrl-C.
inline sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

}  // namespace lanspread::cli
