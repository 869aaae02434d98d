#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "platform/file_names.hpp"

namespace lanspread::peer {

// The names a file system can store, beyond what every name must be (see
// is_servable_name). Downloads check manifest paths, installs check archive
// entries, against the rules of the system they write to
// (docs/download.md, "Names the file system cannot store").
enum class NameRules {
  Posix,    // any byte but '/' and NUL
  Windows,  // what NTFS can store, without merging two names into one
};
inline constexpr NameRules kLocalNameRules =
    platform::kWindowsFileNames ? NameRules::Windows : NameRules::Posix;

// Why Windows cannot store the file or folder name `name`: a control
// character or one of <>:"|?*\, a trailing dot or space (Windows drops them,
// so the file would land under another name), or a device name (CON, PRN,
// AUX, NUL, CONIN$, CONOUT$, COM0-9, LPT0-9 and COM/LPT with a superscript
// 1-3, in any case, alone or before an extension or spaces: "nul.txt",
// "con .cfg").
Result<void> check_windows_name(std::string_view name);

// Under Windows' rules, refuses two '/'-separated paths (or folders on their
// way) that differ only in case, compared upper-cased by Unicode's simple
// mapping as NTFS compares names: NTFS would make them one file or folder.
Result<void> check_distinct_ignoring_case(const std::vector<std::string>& paths,
                                          NameRules rules = kLocalNameRules);

}  // namespace lanspread::peer
