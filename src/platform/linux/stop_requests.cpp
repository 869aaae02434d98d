#include "platform/stop_requests.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <system_error>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

struct StopRequests::State {
  sigset_t signals{};
  UniqueFd signal_fd;
  UniqueFd wake_fd;  // an eventfd request_stop() writes to
  std::optional<StopReason> reason;
};

namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

StopRequests::StopRequests() : state_(std::make_shared<State>()) {
  sigemptyset(&state_->signals);
  sigaddset(&state_->signals, SIGINT);
  sigaddset(&state_->signals, SIGTERM);
  if (const int error = pthread_sigmask(SIG_BLOCK, &state_->signals, nullptr); error != 0) {
    errno = error;
    fail("blocking SIGINT and SIGTERM");
  }
  state_->signal_fd = UniqueFd(::signalfd(-1, &state_->signals, SFD_CLOEXEC));
  if (!state_->signal_fd)
    fail("signalfd");
  state_->wake_fd = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!state_->wake_fd)
    fail("eventfd");
}

// The signals stay blocked: a second Ctrl-C during the clean stop must not
// kill the process half-way.
StopRequests::~StopRequests() = default;

StopReason StopRequests::wait() {
  for (;;) {
    if (auto reason = wait_for(std::chrono::hours(1)))
      return *reason;
  }
}

std::optional<StopReason> StopRequests::wait_for(std::chrono::milliseconds timeout) {
  if (state_->reason)
    return state_->reason;
  std::array<pollfd, 2> fds{pollfd{.fd = state_->signal_fd.get(), .events = POLLIN, .revents = 0},
                            pollfd{.fd = state_->wake_fd.get(), .events = POLLIN, .revents = 0}};
  if (::poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) <= 0)
    return std::nullopt;  // timed out, or interrupted by another signal
  if ((fds[0].revents & POLLIN) != 0) {
    signalfd_siginfo info{};
    if (::read(state_->signal_fd.get(), &info, sizeof info) == sizeof info)
      state_->reason = info.ssi_signo == SIGINT ? StopReason::Interrupted : StopReason::Terminated;
  } else if ((fds[1].revents & POLLIN) != 0) {
    state_->reason = StopReason::Requested;
  }
  return state_->reason;
}

void StopRequests::request_stop() {
  const std::uint64_t one = 1;
  // Only fails when the counter is full, i.e. a stop is already pending.
  [[maybe_unused]] const auto written = ::write(state_->wake_fd.get(), &one, sizeof one);
}

}  // namespace lanspread::platform
