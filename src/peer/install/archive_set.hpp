#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace lanspread::peer::install {

// One archive to unpack: a single file, or every volume of a multi-volume
// RAR in reading order.
struct ArchiveSet {
  std::string name;  // the first volume's file name; sets are unpacked in this order
  std::vector<std::filesystem::path> volumes;
  std::uint64_t size = 0;  // bytes of all volumes
};

// What an install puts into local/, decided from the game root alone.
//
// The rule (docs/install.md says the same):
// - Only root-level regular files can be archives; symlinks never are.
// - Archive names, compared case-insensitively: *.rar, *.zip, *.7z, *.tar,
//   *.tar.gz, *.tgz, *.tar.bz2, *.tbz2, *.tar.xz, *.txz, *.tar.zst.
// - Multi-volume RAR comes in two namings, each unpacked once, from its first
//   volume: "name.partN.rar" (N = 1, 2, ... with any zero padding; the set
//   must start at 1 and have no gaps), and the old "name.rar" followed by
//   "name.r00", "name.r01", ... (no gaps). A ".partN.rar" or ".rNN" volume
//   whose first volume is missing makes the plan fail.
// - Sets are unpacked in byte order of their first volume's name; an entry of
//   a later set replaces the same path from an earlier one.
// - Every other root-level entry except version.ini and the reserved names
//   (local/, .local.installing/, .local.backup/, .version.ini.*, .lanspread*)
//   is copied into local/ after the archives, directories recursively, so
//   loose files (readmes, cracks, config fixes) land on top. Symlinks and
//   special files are skipped, as the library never serves them.
struct InstallPlan {
  std::vector<ArchiveSet> archives;
  std::vector<std::filesystem::path> loose_entries;  // root-level files and dirs to copy
  std::uint64_t loose_size = 0;                      // bytes of regular files among them

  std::uint64_t total_size() const;
};

Result<InstallPlan> plan_install(const std::filesystem::path& game_root);

// Whether `file_name` (no directory) names an archive by the rule above.
bool is_archive_name(const std::string& file_name);

}  // namespace lanspread::peer::install
