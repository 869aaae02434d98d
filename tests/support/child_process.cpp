#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace lanspread::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  // posix_spawn, not fork: the test process runs peer threads, and a forked
  // child that allocates before exec can hang on a lock one of them held
  // (seen under ASan as a child that never printed anything).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The test runner may block signals; the child must see SIGINT normally.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int error = posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_.reset(out_pipe[0]);
  err_fd_.reset(err_pipe[0]);
  if (error != 0) {
    pid_ = -1;
    err_ = "cannot start " + argv.front() + ": " + std::strerror(error);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool ChildProcess::pump(std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> fds{pollfd{out_fd_.get(), POLLIN, 0}, pollfd{err_fd_.get(), POLLIN, 0}};
  if (!out_fd_ && !err_fd_)
    return false;
  if (poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) <= 0)
    return true;
  std::array<char, 4096> buffer{};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0)
      continue;
    const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
    auto& fd = i == 0 ? out_fd_ : err_fd_;
    if (n <= 0) {
      fd.reset();
    } else {
      (i == 0 ? out_ : err_).append(buffer.data(), static_cast<std::size_t>(n));
    }
  }
  return true;
}

bool ChildProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_.find(text) == std::string::npos && out_.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
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
      if (accept(line))
        return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pump(left))
      return std::nullopt;
  }
}

void ChildProcess::send_signal(int signal) {
  if (pid_ > 0)
    kill(pid_, signal);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Draining the pipes to EOF also means the child closed them: it exited.
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    closed = !pump(left);
  }
  if (pid_ <= 0)
    return std::nullopt;
  int status = 0;
  // After EOF the child is exiting, so a blocking wait returns promptly.
  if (waitpid(pid_, &status, closed ? 0 : WNOHANG) != pid_)
    return std::nullopt;
  pid_ = -1;
  if (!WIFEXITED(status))
    return std::nullopt;
  return WEXITSTATUS(status);
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
