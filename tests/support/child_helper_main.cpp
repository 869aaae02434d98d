// A program for the tests of ChildProcess (child_process_test.cpp):
//   child_helper echo ARG...     prints each ARG on a line of stdout
//   child_helper stderr TEXT     prints TEXT to stderr
//   child_helper exit CODE       exits with CODE
//   child_helper env NAME        prints the variable NAME, or "unset"
//   child_helper wait            prints "ready" and waits to be stopped;
//                                SIGINT, SIGTERM (or Ctrl-Break) make it
//                                print "stopping" and exit with 3
// Its arguments are UTF-8 on every system: on Windows they come in as UTF-16
// (wmain), never through the ANSI code page.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/utf8_path.hpp"

namespace {

std::optional<std::string> variable(const std::string& name) {
#ifdef _WIN32
  const wchar_t* value = _wgetenv(lanspread::path_from_utf8(name).c_str());
  if (value == nullptr)
    return std::nullopt;
  return lanspread::utf8_of(std::filesystem::path(value));
#else
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
#endif
}

volatile std::sig_atomic_t stop_requested = 0;

void on_stop(int /*signal*/) {
  stop_requested = 1;
}

int run(const std::vector<std::string>& args) {
  if (args.size() >= 1 && args[0] == "echo") {
    for (std::size_t i = 1; i < args.size(); ++i)
      std::printf("%s\n", args[i].c_str());
    return 0;
  }
  if (args.size() == 2 && args[0] == "stderr") {
    std::fprintf(stderr, "%s\n", args[1].c_str());
    return 0;
  }
  if (args.size() == 2 && args[0] == "exit")
    return std::atoi(args[1].c_str());
  if (args.size() == 2 && args[0] == "env") {
    std::printf("%s\n", variable(args[1]).value_or("unset").c_str());
    return 0;
  }
  if (args.size() == 1 && args[0] == "wait") {
    std::signal(SIGINT, on_stop);
    std::signal(SIGTERM, on_stop);
#ifdef SIGBREAK
    std::signal(SIGBREAK, on_stop);  // Windows: Ctrl-Break
#endif
    std::printf("ready\n");
    std::fflush(stdout);
    for (int i = 0; i < 600 && stop_requested == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::printf("stopping\n");
    return 3;
  }
  std::fprintf(stderr, "usage: child_helper echo|stderr|exit|env|wait ...\n");
  return 2;
}

}  // namespace

#ifdef _WIN32
int wmain(int argc, wchar_t** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i)
    args.push_back(lanspread::utf8_of(std::filesystem::path(argv[i])));
  return run(args);
}
#else
int main(int argc, char** argv) {
  return run(std::vector<std::string>(argv + 1, argv + argc));
}
#endif
