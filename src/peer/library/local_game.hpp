#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace lanspread::peer {

// What this machine holds of one catalog title, as found on disk.
struct LocalGame {
  std::string id;
  bool downloaded = false;  // root-level regular version.ini exists
  bool installed = false;   // local/ is a directory
  std::string version;      // version.ini content, trimmed; empty unless downloaded
  std::uint64_t size = 0;   // bytes a peer would serve (everything but local/ and reserved)
  std::uint64_t file_count = 0;

  bool operator==(const LocalGame&) const = default;
};

// The local game database: every game root whose folder name is a catalog id.
using LocalLibrary = std::map<std::string, LocalGame, std::less<>>;

}  // namespace lanspread::peer
