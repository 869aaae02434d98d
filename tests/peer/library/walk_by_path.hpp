#pragma once

#include <map>
#include <string>

#include "peer/library/game_root_walk.hpp"

namespace lanspread::peer {

// A walk's files by relative path, for tests to look them up.
inline std::map<std::string, proto::GameFileDescription> by_path(const GameRootWalk& walk) {
  std::map<std::string, proto::GameFileDescription> result;
  for (const auto& file : walk.files)
    result.emplace(file.relative_path, file);
  return result;
}

}  // namespace lanspread::peer
