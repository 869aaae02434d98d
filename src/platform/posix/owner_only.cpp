#include "platform/owner_only.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace lanspread::platform {

Result<void> restrict_to_owner(const std::filesystem::path& dir) {
  if (::chmod(dir.c_str(), 0700) != 0)
    return Error{"cannot restrict " + dir.string() + " to its owner: " + std::strerror(errno)};
  return {};
}

}  // namespace lanspread::platform
