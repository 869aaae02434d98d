#include "platform/temp_folder.hpp"

#include <windows.h>

#include <charconv>
#include <random>
#include <string>

#include "base/utf8_path.hpp"

namespace lanspread::platform {

Result<std::filesystem::path, std::error_code> create_temp_folder(
    const std::filesystem::path& parent, std::string_view prefix) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name(prefix);
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, random(), 16).ptr;
    name.append(digits, end);
    auto folder = parent / path_from_utf8(name);
    if (::CreateDirectoryW(folder.c_str(), nullptr) != 0)
      return folder;
    if (const DWORD error = ::GetLastError(); error != ERROR_ALREADY_EXISTS)
      return std::error_code(static_cast<int>(error), std::system_category());
  }
  return std::make_error_code(std::errc::file_exists);
}

}  // namespace lanspread::platform
