#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "peer/library/local_game.hpp"
#include "proto/game.hpp"

namespace lanspread::peer {

class Catalog;
class LibraryIndex;

struct LibraryScan {
  LocalLibrary games;                  // every catalog-id root
  std::vector<proto::Game> announced;  // what peers are told: downloaded games only
};

// Scans every game root in `game_dir` whose folder name is a catalog id.
// Roots the index proves unchanged are not walked again.
LibraryScan scan_local_library(const std::filesystem::path& game_dir, const Catalog& catalog,
                               LibraryIndex& index);

// Rescans one root; nullopt when `<game_dir>/<game_id>` is not a directory.
std::optional<LocalGame> scan_game_root(const std::filesystem::path& game_dir,
                                        std::string_view game_id, LibraryIndex& index);

// The summaries announced to peers: downloaded games with catalog metadata.
std::vector<proto::Game> announced_games(const LocalLibrary& games, const Catalog& catalog);

}  // namespace lanspread::peer
