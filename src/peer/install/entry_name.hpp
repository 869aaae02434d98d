#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::peer::install {

// The names a file system can store, beyond the checks every name passes.
enum class NameRules {
  Posix,  // any byte but '/' and NUL
  // Also refused: the device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9,
  // CONIN$, CONOUT$, with any extension), a trailing dot or space (Windows drops them, so two
  // entries could land on one file), the characters <>:"|?*\ and control
  // characters.
  Windows,
};

// Checks an archive entry name before anything is written: refuses absolute
// paths (also "C:..." and "\\..." for archives made on Windows), ".."
// components (with either separator), empty names, and the names `rules`
// refuses. The name relative to the target: '/'-separated, no "." or empty
// components; empty for the root itself.
Result<std::string> check_entry_name(std::string_view name, NameRules rules);

// The same with the rules of the system this program runs on
// (entry_name_posix.cpp, entry_name_win.cpp).
Result<std::string> check_entry_name(std::string_view name);

// Whether a relative link target, seen from the directory of the link at
// `link_relative`, stays inside the unpack target when resolved by name.
bool link_target_stays_inside(std::string_view link_relative, std::string_view target);

}  // namespace lanspread::peer::install
