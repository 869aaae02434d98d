#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lanspread {

// Text is UTF-8 everywhere inside the program. A path built from a
// std::string, or turned back into one with path::string(), goes through the
// system's narrow encoding: UTF-8 on Linux, but the ANSI code page on Windows
// (msvcrt has no UTF-8 locale), which mangles every non-ASCII name. These two
// go through char8_t, UTF-8 on every system, and are the only conversions
// between text and paths the program makes.

inline std::filesystem::path path_from_utf8(std::string_view text) {
  return {std::u8string(text.begin(), text.end())};
}

inline std::string utf8_of(const std::filesystem::path& path) {
  const auto text = path.u8string();
  return {text.begin(), text.end()};
}

}  // namespace lanspread
