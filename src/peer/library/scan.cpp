#include "peer/library/scan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "base/utf8_path.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/library/game_root_walk.hpp"
#include "peer/library/library_index.hpp"
#include "peer/library/racy_stamp.hpp"
#include "platform/directory_handle.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;
namespace {

// A directory changed within this window of the scan may change again within
// the same timestamp tick, so its stamp cannot prove anything yet (the same
// "racy" rule git uses for its index).
constexpr std::chrono::seconds kRacyWindow{2};
constexpr std::size_t kMaxVersionBytes = 256;

std::optional<platform::DirectoryEntry> examine(const fs::path& path) {
  auto examined = platform::examine(path);
  if (!examined)
    return std::nullopt;
  return std::move(*examined);
}

bool is_real_directory(const fs::path& path) {
  const auto entry = examine(path);
  return entry && entry->type == platform::EntryType::Directory;
}

std::optional<SentinelStamp> sentinel_stamp(const fs::path& root) {
  const auto sentinel = examine(root / layout::kVersionFile);
  if (!sentinel || sentinel->type != platform::EntryType::File)
    return std::nullopt;
  return SentinelStamp{sentinel->size, sentinel->mtime_ns};
}

std::string read_version(const fs::path& root) {
  std::ifstream in(root / layout::kVersionFile, std::ios::binary);
  std::string text(kMaxVersionBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.back()))
    text.pop_back();
  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  text.erase(text.begin(), first);
  if (!is_servable_name(text) && !text.empty()) {
    spdlog::warn("{}: version.ini holds unprintable bytes; treating the version as unknown",
                 utf8_of(root));
    return {};
  }
  return text;
}

bool stamps_still_hold(const fs::path& root, const IndexedRoot& indexed,
                       const std::optional<SentinelStamp>& sentinel) {
  if (indexed.sentinel != sentinel)
    return false;
  return std::all_of(
      indexed.directories.begin(), indexed.directories.end(), [&](const DirectoryStamp& dir) {
        const auto entry =
            examine(dir.relative_path.empty() ? root : root / path_from_utf8(dir.relative_path));
        return entry && entry->type == platform::EntryType::Directory &&
               entry->mtime_ns == dir.mtime_ns;
      });
}

bool is_racy(const IndexedRoot& root) {
  const bool racy_dir =
      std::any_of(root.directories.begin(), root.directories.end(),
                  [&](const DirectoryStamp& d) { return is_racy_stamp(d.mtime_ns, kRacyWindow); });
  return racy_dir || (root.sentinel && is_racy_stamp(root.sentinel->mtime_ns, kRacyWindow));
}

bool is_game_root_directory(const fs::path& root) {
  const auto entry = examine(root);
  if (entry && entry->type == platform::EntryType::Symlink) {
    spdlog::warn("skipping game root {}: it is a symlink, and links are never followed",
                 utf8_of(root));
    return false;
  }
  return entry && entry->type == platform::EntryType::Directory;
}

}  // namespace

std::optional<LocalGame> scan_game_root(const fs::path& game_dir, std::string_view game_id,
                                        LibraryIndex& index) {
  const auto root = game_dir / path_from_utf8(game_id);
  if (!is_game_root_directory(root)) {
    index.forget(game_id);
    return std::nullopt;
  }
  const auto sentinel = sentinel_stamp(root);
  if (const auto* indexed = index.find(game_id);
      indexed != nullptr && stamps_still_hold(root, *indexed, sentinel)) {
    return indexed->game;
  }

  auto walk = walk_game_root(root, game_id);
  IndexedRoot indexed{
      .directories = std::move(walk.directories),
      .sentinel = sentinel,
      .game = LocalGame{.id = std::string(game_id),
                        .downloaded = sentinel.has_value(),
                        .installed = is_real_directory(root / layout::kLocalDir),
                        .version = sentinel ? read_version(root) : std::string{},
                        .size = walk.total_size,
                        .file_count = static_cast<std::uint64_t>(std::count_if(
                            walk.files.begin(), walk.files.end(),
                            [](const proto::GameFileDescription& f) { return !f.is_dir; }))}};
  auto game = indexed.game;
  if (is_racy(indexed)) {
    index.forget(game_id);
  } else {
    index.store(game.id, std::move(indexed));
  }
  return game;
}

LibraryScan scan_local_library(const fs::path& game_dir, const Catalog& catalog,
                               LibraryIndex& index) {
  LibraryScan scan;
  std::error_code ec;
  fs::directory_iterator it(game_dir, ec);
  if (ec) {
    spdlog::warn("cannot list game folder {}: {}", utf8_of(game_dir), ec.message());
    return scan;
  }
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    const auto name = utf8_of(it->path().filename());
    if (!catalog.contains(name)) {
      if (it->is_directory(ec) && !name.starts_with('.')) {
        spdlog::info("skipping folder {}: not a catalog id", utf8_of(it->path()));
      }
      continue;
    }
    if (auto game = scan_game_root(game_dir, name, index)) {
      scan.games.emplace(name, std::move(*game));
    }
  }
  if (ec)
    spdlog::warn("listing game folder {} stopped: {}", utf8_of(game_dir), ec.message());
  index.retain(scan.games);
  index.save();
  scan.announced = announced_games(scan.games, catalog);
  return scan;
}

std::vector<proto::Game> announced_games(const LocalLibrary& games, const Catalog& catalog) {
  std::vector<proto::Game> announced;
  for (const auto& [id, game] : games) {
    const auto* entry = catalog.find(id);
    if (entry == nullptr || !game.downloaded)
      continue;
    announced.push_back(proto::Game{.id = id,
                                    .name = entry->name,
                                    .description = entry->description,
                                    .genre = entry->genre,
                                    .max_players = entry->max_players,
                                    .release_year = entry->release_year,
                                    .size = game.size,
                                    .version = game.version});
  }
  return announced;
}

}  // namespace lanspread::peer
