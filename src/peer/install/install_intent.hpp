#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::peer::install {

enum class Operation { Install, Update, Uninstall };

std::string_view to_string(Operation operation);

// What a transaction set out to do, kept in
// <state_dir>/games/<id>/install_intent.json while it runs. Together with the
// disk it tells startup recovery what to finish or undo.
struct InstallIntent {
  Operation operation = Operation::Install;
  std::string game_id;
  std::filesystem::path game_root;  // absolute: the game folder may change before recovery
  // Set once an update's new local/ is in place. Before the old one is moved
  // aside and after its backup is gone the disk looks the same, so only this
  // tells recovery which version a crash left installed.
  bool new_local_in_place = false;

  bool operator==(const InstallIntent&) const = default;
};

inline constexpr std::string_view kIntentFile = "install_intent.json";

std::filesystem::path game_state_dir(const std::filesystem::path& state_dir,
                                     std::string_view game_id);
std::filesystem::path intent_path(const std::filesystem::path& state_dir, std::string_view game_id);
std::string encode_intent(const InstallIntent& intent);

// The intent in `file`; nothing when there is no file.
// `game_root_if_missing` fills in the root for intents written without one
// (the legacy format migrated from game roots).
Result<std::optional<InstallIntent>> read_intent(const std::filesystem::path& file,
                                                 const std::filesystem::path& game_root_if_missing);

// Written atomically (temp file, fsync, rename, fsync of the folder).
Result<void> record_intent(const std::filesystem::path& state_dir, const InstallIntent& intent);
// Removes the file and syncs its folder; no file is not an error.
Result<void> clear_intent(const std::filesystem::path& state_dir, std::string_view game_id);

}  // namespace lanspread::peer::install
