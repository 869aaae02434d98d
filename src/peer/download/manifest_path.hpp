#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "platform/file_names.hpp"

namespace lanspread::peer::download {

// The naming rules of the file system a download lands on.
enum class NameRules {
  Posix,    // any servable name (see is_servable_name)
  Windows,  // and nothing NTFS cannot store or would merge (see docs/download.md)
};
inline constexpr NameRules kLocalNameRules =
    platform::kWindowsFileNames ? NameRules::Windows : NameRules::Posix;

// A manifest path taken apart into its components after checking that it
// may be written inside a game root: '/'-separated and relative, no empty,
// "." or ".." components, names that can land on any peer's disk (see
// is_servable_name) and on this one's (`rules`), and nothing under local/ or
// the reserved root entries. A peer's manifest is untrusted.
Result<std::vector<std::string>> check_manifest_path(std::string_view path,
                                                     NameRules rules = kLocalNameRules);

// Why Windows cannot store the file name `name`, or nothing when it can.
Result<void> check_windows_name(std::string_view name);

// Under Windows' rules, refuses two manifest paths (or folders on their way)
// that differ only in case: NTFS would make them one file or folder.
Result<void> check_distinct_ignoring_case(const std::vector<std::string>& paths,
                                          NameRules rules = kLocalNameRules);

}  // namespace lanspread::peer::download
