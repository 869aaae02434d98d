#pragma once

#include <filesystem>
#include <string>
#include <system_error>

#include "base/utf8_path.hpp"

namespace lanspread::platform::win {

// "<what> <path>: <the system's message for error>".
inline std::string failure(const char* what, const std::filesystem::path& path,
                           unsigned long error) {
  return std::string(what) + " " + utf8_of(path) + ": " +
         std::system_category().message(static_cast<int>(error));
}

}  // namespace lanspread::platform::win
