#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "peer/library/local_game.hpp"

namespace lanspread::cli {

// "1.5 GiB", "300 KiB", "12 B".
std::string human_size(std::uint64_t bytes);

// "installed", "downloaded" or "incomplete" (a root without version.ini).
std::string_view game_state(const peer::LocalGame& game);

}  // namespace lanspread::cli
