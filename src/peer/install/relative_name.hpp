#pragma once

#include <filesystem>
#include <string>

namespace lanspread::peer::install {

// The name of a path relative to local/ as the lists of installed files and
// the verification record it: UTF-8, '/'-separated on every system.
inline std::string relative_name(const std::filesystem::path& relative) {
  const auto text = relative.generic_u8string();
  return {text.begin(), text.end()};
}

}  // namespace lanspread::peer::install
