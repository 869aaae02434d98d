// ChildProcess on POSIX: posix_spawn (or fork) with pipes, poll, waitpid.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "platform/unique_fd.hpp"
#include "support/child_process.hpp"

namespace lanspread::test {

struct ChildProcess::Os {
  pid_t pid = -1;
  platform::UniqueFd out;
  platform::UniqueFd err;
  std::optional<ProcessEnd> end;  // once reaped
};

namespace {

struct Pipe {
  Pipe() {
    if (pipe2(ends, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe failed");
  }
  int ends[2];
};

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Environment& environment)
    : os_(std::make_unique<Os>()) {
  Pipe out_pipe;
  Pipe err_pipe;
  // posix_spawn, not fork: the test process runs peer threads, and a forked
  // child that allocates before exec can hang on a lock one of them held
  // (seen under ASan as a child that never printed anything).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe.ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe.ends[1], STDERR_FILENO);
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
  std::vector<std::string> added;
  for (const auto& [name, value] : environment)
    added.push_back(name + "=" + value);
  std::vector<char*> variables;
  for (char** variable = environ; *variable != nullptr; ++variable)
    variables.push_back(*variable);
  for (auto& variable : added)
    variables.push_back(variable.data());
  variables.push_back(nullptr);
  const int error =
      posix_spawnp(&os_->pid, args[0], &actions, &attributes, args.data(), variables.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe.ends[1]);
  close(err_pipe.ends[1]);
  os_->out.reset(out_pipe.ends[0]);
  os_->err.reset(err_pipe.ends[0]);
  if (error != 0) {
    os_->pid = -1;
    err_ = "cannot start " + argv.front() + ": " + std::strerror(error);
  }
}

ChildProcess::ChildProcess(const std::function<int()>& body) : os_(std::make_unique<Os>()) {
  Pipe out_pipe;
  Pipe err_pipe;
  std::fflush(nullptr);  // or the child would write what this process buffered too
  os_->pid = fork();
  if (os_->pid < 0)
    throw std::runtime_error("fork failed");
  if (os_->pid == 0) {
    dup2(out_pipe.ends[1], STDOUT_FILENO);
    dup2(err_pipe.ends[1], STDERR_FILENO);
    int code = 1;
    try {  // never back into the caller: the child would go on with the parent's work
      code = body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "the child process failed: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "the child process failed\n");
    }
    std::fflush(nullptr);
    _exit(code);
  }
  close(out_pipe.ends[1]);
  close(err_pipe.ends[1]);
  os_->out.reset(out_pipe.ends[0]);
  os_->err.reset(err_pipe.ends[0]);
}

ChildProcess::~ChildProcess() {
  if (os_->pid > 0) {
    ::kill(os_->pid, SIGKILL);
    waitpid(os_->pid, nullptr, 0);
  }
}

bool ChildProcess::pump(std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> fds{pollfd{os_->out.get(), POLLIN, 0}, pollfd{os_->err.get(), POLLIN, 0}};
  if (!os_->out && !os_->err)
    return false;
  if (poll(fds.data(), fds.size(), static_cast<int>(timeout.count())) <= 0)
    return true;
  std::array<char, 4096> buffer{};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0)
      continue;
    const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
    auto& fd = i == 0 ? os_->out : os_->err;
    if (n <= 0) {
      fd.reset();
    } else {
      (i == 0 ? out_ : err_).append(buffer.data(), static_cast<std::size_t>(n));
    }
  }
  return true;
}

void ChildProcess::send_signal(int signal) {
  if (os_->pid > 0)
    ::kill(os_->pid, signal);
}

void ChildProcess::kill() {
  send_signal(SIGKILL);
}

std::optional<ProcessEnd> ChildProcess::reap(bool closed) {
  if (os_->pid <= 0)
    return os_->end;
  int status = 0;
  // After EOF the child is exiting, so a blocking wait returns promptly.
  if (waitpid(os_->pid, &status, closed ? 0 : WNOHANG) != os_->pid)
    return std::nullopt;
  os_->pid = -1;
  ProcessEnd end;
  if (WIFEXITED(status))
    end.exit_code = WEXITSTATUS(status);
  end.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  os_->end = end;
  return end;
}

}  // namespace lanspread::test
