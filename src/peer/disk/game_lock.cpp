#include "peer/disk/game_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace lanspread::peer {

GameLock::Attempt GameLock::try_acquire(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return {.error = "cannot create " + file.parent_path().string() + ": " + ec.message()};
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return {.error = "cannot open " + file.string() + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return {.busy = true};
    return {.error = "cannot lock " + file.string() + ": " + std::strerror(error)};
  }
  return {.lock = GameLock(fd)};
}

GameLock::GameLock(GameLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

GameLock& GameLock::operator=(GameLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

GameLock::~GameLock() {
  if (fd_ >= 0)
    ::close(fd_);
}

}  // namespace lanspread::peer
