#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

// An exclusive lock on a file, held for as long as the object lives, against
// every other holder in this process or another. An flock(2): the kernel
// drops it when its holder exits, even by SIGKILL, so a crash never leaves
// the file locked.
class FileLock {
 public:
  struct Attempt;
  // Creates the file (and its folders) if needed; never waits.
  static Attempt try_acquire(const std::filesystem::path& file);

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

struct FileLock::Attempt {
  std::optional<FileLock> lock;
  bool busy = false;  // another holder has it; otherwise `error` says what failed
  std::string error;
};

}  // namespace lanspread::platform
