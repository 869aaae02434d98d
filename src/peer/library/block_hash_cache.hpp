#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "proto/file_description.hpp"

namespace lanspread::peer {

// The seeder's block hashes: every served file's SHA-256 per block, computed
// once per version of the file and kept in <state_dir>/block_hashes/<id>.json,
// so answering GetGame costs a lookup, not a read of the whole game.
//
// A file's version is its identity (device, inode) and its size, mtime and
// ctime in nanoseconds: any write, truncation, replacement or rename over it
// changes one of them, and the file is hashed again. Files changed in the
// last `racy_window` are hashed but not remembered (a write in the same clock
// tick would not show in the timestamps). A missing or corrupt cache file is
// rebuilt. Thread-safe; the calls block on disk reads, so call them on a
// disk thread, never on the network thread.
class BlockHashCache {
 public:
  explicit BlockHashCache(const std::filesystem::path& state_dir,
                          std::uint32_t block_size = 1024 * 1024,
                          std::chrono::nanoseconds racy_window = std::chrono::seconds(2));
  ~BlockHashCache();
  BlockHashCache(const BlockHashCache&) = delete;
  BlockHashCache& operator=(const BlockHashCache&) = delete;

  // Sets `block_size` and `block_hashes` on every regular file of `files`
  // (game `game_id`'s manifest, as list_served_files returns it), hashing
  // what the cache does not know, and saves what changed. A file that cannot
  // be read (or changes while being hashed) is left without hashes, with a
  // log line. Stops early, leaving the rest without hashes, on `stop`.
  void fill(const std::filesystem::path& game_dir, std::string_view game_id,
            std::vector<proto::GameFileDescription>& files, std::stop_token stop = {});

  // Hashes the listed downloaded games ahead of any request: what the
  // runtime runs on its disk pool after a library scan.
  void hash_games(const std::filesystem::path& game_dir, const std::vector<std::string>& game_ids,
                  std::stop_token stop = {});

  // Bytes read to hash since construction (for logs and tests).
  std::uint64_t bytes_hashed() const { return bytes_hashed_.load(); }

 private:
  struct Game;
  std::shared_ptr<Game> game(std::string_view game_id);

  std::filesystem::path dir_;
  std::uint32_t block_size_;
  std::chrono::nanoseconds racy_window_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Game>, std::less<>> games_;
  std::atomic<std::uint64_t> bytes_hashed_{0};
};

}  // namespace lanspread::peer
