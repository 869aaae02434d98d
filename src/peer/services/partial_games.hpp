#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proto/file_description.hpp"

namespace lanspread::peer {

// What this peer can already share of the games it is still downloading
// (the swarm: downloaders trade blocks): the blocks it has verified, by their index in the
// download's block plan. A download publishes its game when it starts, marks
// each block once it is verified and written, and withdraws the game before
// it settles; the GameServer answers GetBlockMap from here and serves the
// chunks verified blocks cover. Locked: the download and the server may run
// on different threads.
class PartialGames {
 public:
  // A payload file of the plan: its blocks are `first_block`,
  // `first_block + 1`, ... each `block_size` bytes (the last one shorter).
  struct File {
    std::string relative_path;
    std::uint64_t size = 0;
    std::uint32_t block_size = 0;
    std::size_t first_block = 0;
  };

  void publish(const std::string& game_id, const proto::Sha256Digest& manifest,
               std::vector<File> files, std::vector<bool> verified);
  void mark_verified(const std::string& game_id, std::size_t block);
  void withdraw(const std::string& game_id);

  // The verified-block map, if `game_id` is being downloaded from exactly
  // the manifest with digest `manifest`.
  std::optional<std::vector<bool>> blocks(const std::string& game_id,
                                          const proto::Sha256Digest& manifest) const;
  // Whether every byte of the range lies in verified blocks of `game_id`.
  bool covers(const std::string& game_id, const std::string& relative_path, std::uint64_t offset,
              std::uint64_t length) const;

 private:
  struct Game {
    proto::Sha256Digest manifest{};
    std::map<std::string, File, std::less<>> files;
    std::vector<bool> verified;
  };

  mutable std::mutex mutex_;
  std::map<std::string, Game, std::less<>> games_;
};

}  // namespace lanspread::peer
