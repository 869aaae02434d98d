#include "platform/temp_folder.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace lanspread::platform {

Result<std::filesystem::path, std::error_code> create_temp_folder(
    const std::filesystem::path& parent, std::string_view prefix) {
  auto pattern = (parent / (std::string(prefix) + "XXXXXX")).native();
  if (::mkdtemp(pattern.data()) == nullptr)
    return std::error_code(errno, std::generic_category());
  return std::filesystem::path(pattern);
}

}  // namespace lanspread::platform
