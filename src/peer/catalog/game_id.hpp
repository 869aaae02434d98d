#pragma once

#include <string_view>

namespace lanspread::peer {

// A game id names a folder on every peer's disk, so it must be a safe folder
// name on Linux and Windows alike: 1-64 of [a-z0-9_-], starting with a letter
// or digit, and not a name Windows reserves (con, nul, com1, ...).
bool is_valid_game_id(std::string_view id);

}  // namespace lanspread::peer
