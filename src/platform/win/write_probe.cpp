#include "platform/write_probe.hpp"

#include <windows.h>

#include "platform/win/unique_handle.hpp"

namespace lanspread::platform {

Result<void, std::error_code> probe_file_creation(const std::filesystem::path& dir,
                                                  const char* probe_name) {
  const auto probe = dir / probe_name;
  // Removed when the handle closes, even if the process dies first.
  const win::UniqueHandle file(
      ::CreateFileW(probe.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr));
  if (!file)
    return std::error_code(static_cast<int>(::GetLastError()), std::system_category());
  return {};
}

}  // namespace lanspread::platform
