#include "platform/rename.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/utf8_path.hpp"
#include "platform/atomic_file.hpp"

namespace lanspread::platform {

// rename(2), then an fsync of the destination's folder.
Result<void> rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return Error{"cannot rename " + utf8_of(from) + " to " + utf8_of(to.filename()) + ": " +
                 std::strerror(errno)};
  sync_directory(to.parent_path());
  return {};
}

}  // namespace lanspread::platform
