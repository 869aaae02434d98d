#pragma once

#include <cstdint>
#include <string>

namespace lanspread::proto {

// Bumped whenever a message changes shape; it is also part of the ALPN.
inline constexpr std::uint32_t kProtocolVersion = 1;

// A title as one peer announces it: catalog metadata plus what that peer
// holds. Only downloaded games are announced, so `version` is always set.
struct Game {
  std::string id;
  std::string name;
  std::string description;
  std::string genre;
  std::uint32_t max_players = 0;
  std::uint32_t release_year = 0;
  std::uint64_t size = 0;  // bytes of payload the peer serves for this game
  std::string version;     // content of the peer's version.ini

  bool operator==(const Game&) const = default;
};

}  // namespace lanspread::proto
