#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lanspread::proto {

using Sha256Digest = std::array<std::uint8_t, 32>;

// One entry of a game's manifest: a file or directory inside the game root.
struct GameFileDescription {
  std::string game_id;
  std::string relative_path;  // '/'-separated, relative to the game root
  bool is_dir = false;
  std::uint64_t size = 0;
  // Integrity data: SHA-256 of each `block_size` block, in file order. Empty
  // (and block_size 0) until the seeder has hashed the file.
  std::uint32_t block_size = 0;
  std::vector<Sha256Digest> block_hashes;

  bool operator==(const GameFileDescription&) const = default;
};

}  // namespace lanspread::proto
