#pragma once

#include <filesystem>
#include <string>
#include <system_error>

namespace lanspread::platform::win {

// Paths are UTF-8 inside the program and wide at the Windows API; this is
// the way back for messages (path::string() would use the ANSI code page).
inline std::string utf8(const std::filesystem::path& path) {
  const auto text = path.u8string();
  return {text.begin(), text.end()};
}

// "<what> <path>: <the system's message for error>".
inline std::string failure(const char* what, const std::filesystem::path& path,
                           unsigned long error) {
  return std::string(what) + " " + utf8(path) + ": " +
         std::system_category().message(static_cast<int>(error));
}

}  // namespace lanspread::platform::win
