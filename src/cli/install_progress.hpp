#pragma once

#include <cstdint>
#include <string_view>

namespace lanspread::cli {

// Redraws one stderr line: "installing cs16 [#####.....]  42.0%  1.2 GiB of 2.0 GiB".
void draw_install_progress(std::string_view game_id, std::uint64_t bytes_done,
                           std::uint64_t bytes_total);

}  // namespace lanspread::cli
