#pragma once

#include <filesystem>
#include <optional>

#include "base/result.hpp"
#include "platform/owned_handle.hpp"

namespace lanspread::platform {

// An exclusive lock on a file, held for as long as the object lives, against
// every other holder in this process or another. An flock(2) (LockFileEx on
// Windows): the kernel drops it when its holder exits, even by SIGKILL, so a
// crash never leaves the file locked.
class FileLock {
 public:
  // Creates the file (and its folders) if needed; never waits. The lock, or
  // nothing when another holder has it; an error when the attempt failed.
  static Result<std::optional<FileLock>> try_acquire(const std::filesystem::path& file);

 private:
  explicit FileLock(OwnedHandle fd) : fd_(std::move(fd)) {}
  OwnedHandle fd_;
};

}  // namespace lanspread::platform
