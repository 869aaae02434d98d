#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lanspread::peer {
class Catalog;
}

namespace lanspread::peer::install {

// Launcher files that earlier layouts kept inside game roots, and where they
// live now (in <state_dir>/games/<id>/):
//   <root>/.lanspread.json                -> lanspread.json (per-game metadata)
//   <root>/.lanspread_install_intent.json -> install_intent.json
struct LegacyFile {
  const char* in_root;
  const char* in_state;
};
inline constexpr LegacyFile kLegacyFiles[] = {
    {".lanspread.json", "lanspread.json"},
    {".lanspread_install_intent.json", "install_intent.json"},
};

struct MigrationReport {
  std::vector<std::string> moved;     // "id: from -> to"
  std::vector<std::string> problems;  // files that stayed where they were, and why
};

// The pre-start phase: moves every legacy file of every catalog-id root in
// `game_dir` into the state directory and deletes it from the root. Running
// it again finds nothing to do; a crash halfway is finished by the next run.
// When the state directory already has a different file of the same name,
// the newer one there wins and the old one is kept beside it as "<name>.legacy".
MigrationReport migrate_legacy_files(const std::filesystem::path& game_dir,
                                     const std::filesystem::path& state_dir,
                                     const Catalog& catalog);

}  // namespace lanspread::peer::install
