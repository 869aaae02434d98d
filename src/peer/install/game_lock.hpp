#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"
#include "platform/file_lock.hpp"

namespace lanspread::peer::install {

// Keeps every other holder, in this process or another, off one game while it
// is downloaded, installed, updated, uninstalled, removed or recovered: a
// `lanspread install` in a terminal next to the running app must neither
// remove what the app is downloading nor "recover" a transaction the app is
// still running. A lock on a file of the game's state folder, which the
// kernel drops when its holder exits, so a crash never leaves a game locked.
using GameLock = platform::FileLock;

// The file a game's lock is held on, by whatever works on the game's files:
// a download, a transaction, its recovery.
std::filesystem::path operation_lock_path(const std::filesystem::path& state_dir,
                                          std::string_view game_id);

// Takes the game's lock for as long as the result lives; refused with a
// sentence while another holder has it. `game_id` must be a valid id: it
// names a folder of the state directory.
Result<GameLock> lock_game(const std::filesystem::path& state_dir, std::string_view game_id);

}  // namespace lanspread::peer::install
