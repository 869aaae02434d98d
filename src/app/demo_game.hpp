#pragma once

#include <filesystem>

#include "base/result.hpp"

namespace lanspread::app {

// The catalog id the demo game uses.
inline constexpr const char* kDemoGameId = "openttd";

// Creates `game_dir` with one tiny downloaded game in it (a zip archive and a
// version.ini), so a newcomer's first look at the library is not empty and
// install/uninstall can be tried at once. Does nothing when `game_dir`
// already exists.
Result<void> create_game_dir_with_demo(const std::filesystem::path& game_dir);

}  // namespace lanspread::app
