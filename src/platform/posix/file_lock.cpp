#include "platform/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace lanspread::platform {

Result<std::optional<FileLock>> FileLock::try_acquire(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return Error{"cannot create " + file.parent_path().string() + ": " + ec.message()};
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd)
    return Error{"cannot open " + file.string() + ": " + std::strerror(errno)};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return std::optional<FileLock>();
    return Error{"cannot lock " + file.string() + ": " + std::strerror(errno)};
  }
  return std::optional(FileLock(std::move(fd)));
}

}  // namespace lanspread::platform
