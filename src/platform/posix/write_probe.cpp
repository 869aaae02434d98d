#include "platform/write_probe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

Result<void, std::error_code> probe_file_creation(const std::filesystem::path& dir,
                                                  const char* probe_name) {
  const auto probe = dir / probe_name;
  if (!UniqueFd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)))
    return std::error_code(errno, std::generic_category());
  ::unlink(probe.c_str());
  return {};
}

}  // namespace lanspread::platform
