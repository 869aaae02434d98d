#include "app/browser.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "platform/unique_fd.hpp"

extern char** environ;

namespace lanspread::app {
namespace fs = std::filesystem;
namespace {

bool write_private_file(const fs::path& file, const std::string& contents) {
  ::unlink(file.c_str());  // a fresh file, so the mode below is the one it gets
  const platform::UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd)
    return false;
  return ::write(fd.get(), contents.data(), contents.size()) ==
         static_cast<ssize_t>(contents.size());
}

}  // namespace

bool open_in_browser(const std::string& url, const fs::path& state_dir) {
  const auto launcher = state_dir / "open-ui.html";
  const auto page = fmt::format(
      "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; "
      "url={0}\"><title>Lanspread</title><a href=\"{0}\">Open Lanspread</a>\n",
      url);
  if (!write_private_file(launcher, page)) {
    spdlog::warn("cannot write {}: {}", launcher.string(), std::strerror(errno));
    return false;
  }
  const std::string program = "xdg-open";
  const std::string target = launcher.string();
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(target.c_str()), nullptr};
  pid_t pid = 0;
  if (const int error = ::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ);
      error != 0) {
    spdlog::warn("cannot start xdg-open ({}); open the URL yourself", std::strerror(error));
    return false;
  }
  // xdg-open may run as long as the browser does; a waiter reaps it whenever
  // it ends, without holding up the app's shutdown.
  std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
  return true;
}

}  // namespace lanspread::app
