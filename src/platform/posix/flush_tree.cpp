#include "platform/flush_tree.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/utf8_path.hpp"
#include "platform/unique_fd.hpp"

namespace lanspread::platform {

Result<void> flush_tree(const std::filesystem::path& dir) {
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return Error{"cannot open " + utf8_of(dir) + ": " + std::strerror(errno)};
  if (::syncfs(fd.get()) != 0)
    return Error{"cannot write " + utf8_of(dir) + " to the disk: " + std::strerror(errno)};
  return {};
}

}  // namespace lanspread::platform
