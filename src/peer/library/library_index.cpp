#include "peer/library/library_index.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "platform/atomic_file.hpp"

namespace lanspread::peer {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kIndexFormat = 1;

json to_json(const IndexedRoot& root) {
  json dirs = json::array();
  for (const auto& dir : root.directories)
    dirs.push_back({dir.relative_path, dir.mtime_ns});
  json sentinel = nullptr;
  if (root.sentinel)
    sentinel = {{"size", root.sentinel->size}, {"mtime_ns", root.sentinel->mtime_ns}};
  const auto& game = root.game;
  return {{"directories", std::move(dirs)}, {"sentinel", std::move(sentinel)},
          {"downloaded", game.downloaded},  {"installed", game.installed},
          {"version", game.version},        {"size", game.size},
          {"file_count", game.file_count}};
}

IndexedRoot root_from_json(const std::string& id, const json& value) {
  IndexedRoot root;
  for (const auto& dir : value.at("directories")) {
    root.directories.push_back({dir.at(0).get<std::string>(), dir.at(1).get<std::int64_t>()});
  }
  const auto& sentinel = value.at("sentinel");
  if (!sentinel.is_null()) {
    root.sentinel = SentinelStamp{sentinel.at("size").get<std::uint64_t>(),
                                  sentinel.at("mtime_ns").get<std::int64_t>()};
  }
  root.game = LocalGame{.id = id,
                        .downloaded = value.at("downloaded").get<bool>(),
                        .installed = value.at("installed").get<bool>(),
                        .version = value.at("version").get<std::string>(),
                        .size = value.at("size").get<std::uint64_t>(),
                        .file_count = value.at("file_count").get<std::uint64_t>()};
  return root;
}

}  // namespace

LibraryIndex::LibraryIndex(fs::path file, fs::path game_dir)
    : file_(std::move(file)), game_dir_(std::move(game_dir)) {
  std::ifstream in(file_, std::ios::binary);
  if (!in)
    return;
  try {
    const json document = json::parse(in);
    if (document.at("format").get<int>() != kIndexFormat ||
        document.at("game_dir").get<std::string>() != utf8_of(game_dir_)) {
      dirty_ = true;
      return;
    }
    for (const auto& [id, value] : document.at("roots").items()) {
      roots_.emplace(id, root_from_json(id, value));
    }
  } catch (const json::exception& e) {
    spdlog::warn("library index {} is unreadable and will be rebuilt: {}", utf8_of(file_),
                 e.what());
    roots_.clear();
    dirty_ = true;
  }
}

const IndexedRoot* LibraryIndex::find(std::string_view game_id) const {
  const auto it = roots_.find(game_id);
  return it == roots_.end() ? nullptr : &it->second;
}

void LibraryIndex::store(const std::string& game_id, IndexedRoot root) {
  auto& slot = roots_[game_id];
  if (slot == root)
    return;
  slot = std::move(root);
  dirty_ = true;
}

void LibraryIndex::forget(std::string_view game_id) {
  const auto it = roots_.find(game_id);
  if (it == roots_.end())
    return;
  roots_.erase(it);
  dirty_ = true;
}

void LibraryIndex::retain(const LocalLibrary& present) {
  std::erase_if(roots_, [&](const auto& item) {
    const bool gone = !present.contains(item.first);
    dirty_ = dirty_ || gone;
    return gone;
  });
}

void LibraryIndex::save() {
  if (!dirty_ || file_.empty())
    return;
  json roots = json::object();
  for (const auto& [id, root] : roots_)
    roots[id] = to_json(root);
  const json document = {
      {"format", kIndexFormat}, {"game_dir", utf8_of(game_dir_)}, {"roots", std::move(roots)}};
  const auto text = document.dump(-1, ' ', false, json::error_handler_t::replace);
  if (const auto saved = platform::write_file_atomically(file_, text); !saved) {
    spdlog::warn("could not save library index {}: {}", utf8_of(file_), saved.error().message);
    return;
  }
  dirty_ = false;
}

}  // namespace lanspread::peer
