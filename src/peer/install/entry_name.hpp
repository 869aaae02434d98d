#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::peer::install {

// Checks an archive entry name before anything is written: refuses absolute
// paths (also "C:..." and "\\..." for archives made on Windows), ".."
// components (with either separator) and empty names. The name relative to
// the target: '/'-separated, no "." or empty components; empty for the root
// itself.
Result<std::string> check_entry_name(std::string_view name);

// Whether a relative link target, seen from the directory of the link at
// `link_relative`, stays inside the unpack target when resolved by name.
bool link_target_stays_inside(std::string_view link_relative, std::string_view target);

}  // namespace lanspread::peer::install
