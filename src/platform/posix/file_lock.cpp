#include "platform/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

namespace lanspread::platform {

FileLock::Attempt FileLock::try_acquire(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return {.error = "cannot create " + file.parent_path().string() + ": " + ec.message()};
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd)
    return {.error = "cannot open " + file.string() + ": " + std::strerror(errno)};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return {.busy = true};
    return {.error = "cannot lock " + file.string() + ": " + std::strerror(errno)};
  }
  return {.lock = FileLock(std::move(fd))};
}

}  // namespace lanspread::platform
