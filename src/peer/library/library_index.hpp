#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peer/library/game_root_walk.hpp"
#include "peer/library/local_game.hpp"

namespace lanspread::peer {

// Enough about version.ini to notice any rewrite of it.
struct SentinelStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;

  bool operator==(const SentinelStamp&) const = default;
};

// What the last scan found in one game root, and the stamps that prove the
// root is unchanged: adding, removing or renaming any entry changes the mtime
// of its directory, so equal directory stamps mean an equal tree.
struct IndexedRoot {
  std::vector<DirectoryStamp> directories;
  std::optional<SentinelStamp> sentinel;
  LocalGame game;

  bool operator==(const IndexedRoot&) const = default;
};

// The light on-disk index of the local library
// (<state_dir>/library_index.json). It is a cache: a missing, corrupt or
// foreign index is rebuilt, never fatal.
class LibraryIndex {
 public:
  // An index that lives only in memory (tests, read-only state directories).
  LibraryIndex() = default;
  // Loads `file` if it exists and describes `game_dir`; otherwise starts empty.
  LibraryIndex(std::filesystem::path file, std::filesystem::path game_dir);

  const IndexedRoot* find(std::string_view game_id) const;
  void store(const std::string& game_id, IndexedRoot root);
  void forget(std::string_view game_id);
  // Drops every root not in `present`.
  void retain(const LocalLibrary& present);

  // Writes the index atomically if it changed. Failures are logged: the next
  // start simply scans cold.
  void save();

  std::size_t size() const { return roots_.size(); }

 private:
  std::filesystem::path file_;
  std::filesystem::path game_dir_;
  std::map<std::string, IndexedRoot, std::less<>> roots_;
  bool dirty_ = false;
};

inline constexpr std::string_view kLibraryIndexFile = "library_index.json";

}  // namespace lanspread::peer
