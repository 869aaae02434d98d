#pragma once

#include <string_view>

// Names inside a game root (<game_dir>/<game_id>/) that carry meaning. Users'
// game folders follow this layout, so these never change.
namespace lanspread::peer::layout {

inline constexpr std::string_view kVersionFile = "version.ini";  // DOWNLOADED sentinel
inline constexpr std::string_view kLocalDir = "local";           // INSTALLED iff a directory
inline constexpr std::string_view kInstallingDir = ".local.installing";
inline constexpr std::string_view kBackupDir = ".local.backup";
inline constexpr std::string_view kVersionTmp = ".version.ini.tmp";
inline constexpr std::string_view kVersionDiscarded = ".version.ini.discarded";
inline constexpr std::string_view kOwnedMarker = ".lanspread_owned";

// Root-level entries that are never part of the payload peers serve.
inline bool is_unserved_root_entry(std::string_view name) {
  return name == kLocalDir || name == kInstallingDir || name == kBackupDir || name == kVersionTmp ||
         name == kVersionDiscarded || name.starts_with(".lanspread");
}

}  // namespace lanspread::peer::layout
