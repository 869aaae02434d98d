#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "proto/file_description.hpp"

namespace lanspread::peer {

// A directory of a game root and its modification time; the set of these is
// what the library index compares to decide a root is unchanged.
struct DirectoryStamp {
  std::string relative_path;  // "" is the game root itself
  std::int64_t mtime_ns = 0;

  bool operator==(const DirectoryStamp&) const = default;
};

struct GameRootWalk {
  std::vector<proto::GameFileDescription> files;  // what a peer serves, dirs included
  std::vector<DirectoryStamp> directories;
  std::uint64_t total_size = 0;
};

// Walks one game root without following symlinks. Skips, with a log line:
// local/ and the reserved root entries, symlinks (never followed, whether they
// lead out of the game folder or not), special files, entries that cannot be
// read, and names that could not cross the wire or land safely on another
// peer's disk (invalid UTF-8, control characters, backslashes).
GameRootWalk walk_game_root(const std::filesystem::path& root, std::string_view game_id);

// The manifest a peer serves for `game_id` (no block hashes yet).
std::vector<proto::GameFileDescription> list_served_files(const std::filesystem::path& game_dir,
                                                          std::string_view game_id);

// Whether a file name can be served: valid UTF-8, no control characters, no
// '/', '\\', and not "." or "..".
bool is_servable_name(std::string_view name);

}  // namespace lanspread::peer
