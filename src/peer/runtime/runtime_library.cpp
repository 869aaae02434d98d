#include <spdlog/spdlog.h>

#include "base/utf8_path.hpp"
#include "peer/runtime/runtime.hpp"

// The local library: scans on the disk thread, what the monitor asks for,
// what peers are told we have, and the game folder in use.
namespace lanspread::peer {
namespace fs = std::filesystem;

LibraryIndex& Runtime::index_for(DiskState& disk, const fs::path& game_dir) {
  if (!disk.index || disk.game_dir != game_dir) {
    disk.game_dir = game_dir;
    disk.index = std::make_unique<LibraryIndex>(options_.state_dir / kLibraryIndexFile, game_dir);
  }
  return *disk.index;
}

void Runtime::rescan(LocalGameMonitor::Rescan request) {
  if (request.everything) {
    on_disk(
        [this, game_dir = game_dir_](DiskState& disk) {
          return scan_local_library(game_dir, catalog_, index_for(disk, game_dir));
        },
        [this](LibraryScan scan) { apply_full_scan(std::move(scan)); });
    return;
  }
  on_disk(
      [this, game_dir = game_dir_, ids = std::move(request.game_ids)](DiskState& disk) {
        auto& index = index_for(disk, game_dir);
        std::vector<std::pair<std::string, std::optional<LocalGame>>> results;
        for (const auto& id : ids)
          results.emplace_back(id, scan_game_root(game_dir, id, index));
        index.save();
        return results;
      },
      [this](const auto& results) { apply_rescans(results); });
}

void Runtime::apply_full_scan(LibraryScan scan) {
  // A game with an operation in flight keeps its last settled state; the
  // monitor rescans it when the operation ends.
  for (const auto& [id, kind] : operations_) {
    scan.games.erase(id);
    if (const auto it = library_.find(id); it != library_.end())
      scan.games.insert(*it);
  }
  std::vector<std::string> roots;
  for (const auto& [id, game] : scan.games)
    roots.push_back(id);
  monitor_.watch_roots(roots);
  if (scan.games == library_ && library_published_)
    return;
  library_ = std::move(scan.games);
  publish_library();
}

void Runtime::apply_rescans(
    const std::vector<std::pair<std::string, std::optional<LocalGame>>>& results) {
  bool changed = false;
  for (const auto& [id, game] : results) {
    if (operations_.contains(id))
      continue;
    const auto it = library_.find(id);
    if (!game) {
      changed = changed || it != library_.end();
      if (it != library_.end())
        library_.erase(it);
    } else if (it == library_.end() || it->second != *game) {
      library_.insert_or_assign(id, *game);
      changed = true;
    }
  }
  if (changed)
    publish_library();
}

void Runtime::publish_library() {
  library_published_ = true;
  ++library_revision_;
  announced_ =
      std::make_shared<const std::vector<proto::Game>>(announced_games(library_, catalog_));
  hash_announced_games();
  std::vector<LocalGame> games;
  games.reserve(library_.size());
  for (const auto& [id, game] : library_)
    games.push_back(game);
  emit_(event::LocalLibraryChanged{std::move(games)});
  handle(command::ListGames{});
}

void Runtime::hash_announced_games() {
  std::vector<std::string> ids;
  for (const auto& game : *announced_)
    ids.push_back(game.id);
  asio::post(hashing_,
             [this, ids = std::move(ids), game_dir = game_dir_, stop = shutting_down_.get_token()] {
               hashes_.hash_games(game_dir, ids, stop);
             });
}

void Runtime::handle(command::ListGames) {
  emit_(event::AggregatedLibraryChanged{peers_.merged_library(library_, catalog_)});
}

// The folder is checked and remembered by then (runtime_settings.cpp).
void Runtime::use_game_dir(const fs::path& path) {
  spdlog::info("game folder is now {}", utf8_of(path));
  game_dir_ = path;
  ++game_dir_generation_;
  library_.clear();
  emit_(event::GameDirChanged{game_dir_});
  publish_library();
  monitor_.watch(game_dir_);
}

}  // namespace lanspread::peer
