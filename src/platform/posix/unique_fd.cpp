#include "platform/unique_fd.hpp"

#include <unistd.h>

namespace lanspread::platform {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd)
    ::close(fd_);
  fd_ = fd;
}

}  // namespace lanspread::platform
