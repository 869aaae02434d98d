#pragma once

#include <cstddef>
#include <optional>

#include "peer/library/local_game.hpp"
#include "proto/game.hpp"

namespace lanspread::peer {

// One title of the merged library: what peers offer and what this machine
// holds, so the UI can show one list.
struct LibraryGame {
  proto::Game game;  // catalog metadata; version is the latest seen on the network or here
  std::optional<LocalGame> local;
  std::size_t peer_count = 0;     // peers offering the latest version
  bool update_available = false;  // downloaded here, and a peer has a newer version

  bool operator==(const LibraryGame&) const = default;
};

}  // namespace lanspread::peer
