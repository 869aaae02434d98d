#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "peer/library/file_name_rules.hpp"

namespace lanspread::peer::install {

// Checks an archive entry name before anything is written: refuses absolute
// paths (also "C:..." and "\\..." for archives made on Windows), ".."
// components (with either separator), empty names, and the names `rules`
// refuses. The name relative to the target: '/'-separated, no "." or empty
// components; empty for the root itself.
Result<std::string> check_entry_name(std::string_view name, NameRules rules);

// The same with the rules of the system this program runs on.
inline Result<std::string> check_entry_name(std::string_view name) {
  return check_entry_name(name, kLocalNameRules);
}

// Whether a relative link target, seen from the directory of the link at
// `link_relative`, stays inside the unpack target when resolved by name.
bool link_target_stays_inside(std::string_view link_relative, std::string_view target);

}  // namespace lanspread::peer::install
