#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "proto/file_description.hpp"
#include "proto/game.hpp"

namespace lanspread::proto::sample {

inline constexpr std::uint32_t kBlockSize = 4 * 1024 * 1024;

// Distinct bytes per seed, so that a swapped or truncated hash is noticed.
inline Sha256Digest digest(std::uint8_t seed) {
  Sha256Digest bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  }
  return bytes;
}

// Non-ASCII text, characters JSON must escape, and extreme numbers.
inline Game game() {
  return Game{
      .id = "ut2004",
      // "Unreal Tournament 2004 — 日本語 🎮"
      .name =
          "Unreal Tournament 2004 \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E "
          "\xF0\x9F\x8E\xAE",
      .description = "Line one\nLine \"two\"\twith \\backslash\\ and \x01 control",
      .genre = "Shooter",
      .max_players = std::numeric_limits<std::uint32_t>::max(),
      .release_year = 2004,
      .size = std::numeric_limits<std::uint64_t>::max(),
      .version = "3369.3",
  };
}

inline GameFileDescription file() {
  return GameFileDescription{
      .game_id = "ut2004",
      // "Maps/DM-ÜberRank.ut2"
      .relative_path =
          "Maps/DM-\xC3\x9C"
          "berRank.ut2",
      .is_dir = false,
      .size = 2 * std::uint64_t{kBlockSize} + 1,
      .block_size = kBlockSize,
      .block_hashes = {digest(1), digest(2), digest(3)},
  };
}

inline GameFileDescription directory() {
  return GameFileDescription{
      .game_id = "ut2004",
      .relative_path = "Maps",
      .is_dir = true,
      .size = 0,
      .block_size = 0,
      .block_hashes = {},
  };
}

}  // namespace lanspread::proto::sample
