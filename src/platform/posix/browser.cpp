#include "platform/browser.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <string>
#include <thread>

extern char** environ;

namespace lanspread::platform {

Result<void, std::error_code> open_in_browser(const std::filesystem::path& page) {
  const std::string program = "xdg-open";
  const std::string target = page.native();
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(target.c_str()), nullptr};
  pid_t pid = 0;
  if (const int error = ::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ);
      error != 0) {
    return std::error_code(error, std::generic_category());
  }
  // xdg-open may run as long as the browser does; a waiter reaps it whenever
  // it ends, without holding up the app's shutdown.
  std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
  return {};
}

}  // namespace lanspread::platform
