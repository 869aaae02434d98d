#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lanspread::peer {

// Why `game_dir` cannot be used as the game folder (missing, not a directory,
// not writable), or nullopt when it can.
std::optional<std::string> game_dir_problem(const std::filesystem::path& game_dir);

}  // namespace lanspread::peer
