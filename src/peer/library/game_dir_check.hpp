#pragma once

#include <filesystem>

#include "base/result.hpp"

namespace lanspread::peer {

// Whether `game_dir` can be used as the game folder; why not (missing, not a
// directory, not writable) otherwise.
Result<void> check_game_dir(const std::filesystem::path& game_dir);

}  // namespace lanspread::peer
