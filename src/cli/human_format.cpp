#include "cli/human_format.hpp"

#include <fmt/format.h>

#include <array>

namespace lanspread::cli {

std::string human_size(std::uint64_t bytes) {
  constexpr std::array<std::string_view, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string_view game_state(const peer::LocalGame& game) {
  if (game.installed)
    return "installed";
  if (game.downloaded)
    return "downloaded";
  return "incomplete";
}

}  // namespace lanspread::cli
