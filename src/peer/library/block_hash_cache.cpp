#include "peer/library/block_hash_cache.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "base/utf8_path.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/library/game_root_walk.hpp"
#include "peer/library/racy_stamp.hpp"
#include "platform/atomic_file.hpp"
#include "platform/directory_handle.hpp"
#include "proto/hex.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr int kFormat = 1;

using FileKey = platform::FileIdentity;

std::uint64_t block_count(std::uint64_t size, std::uint32_t block_size) {
  return size / block_size + (size % block_size != 0);
}

// The hashes one after the other, in hex.
std::string to_hex(const std::vector<proto::Sha256Digest>& hashes) {
  std::string out;
  out.reserve(hashes.size() * 2 * sizeof(proto::Sha256Digest));
  for (const auto& digest : hashes)
    proto::append_hex(out, digest);
  return out;
}

std::optional<std::vector<proto::Sha256Digest>> from_hex(std::string_view text) {
  constexpr std::size_t kDigits = 2 * sizeof(proto::Sha256Digest);
  if (text.size() % kDigits != 0)
    return std::nullopt;
  std::vector<proto::Sha256Digest> hashes(text.size() / kDigits);
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (!proto::from_hex(text.substr(i * kDigits, kDigits), hashes[i]))
      return std::nullopt;
  }
  return hashes;
}

// The folder `folder` ('/'-separated, empty for `root` itself) inside
// `root`, opened component by component without following symlinks.
std::optional<platform::DirectoryHandle> open_folder(const platform::DirectoryHandle& root,
                                                     std::string_view folder) {
  auto dir = root.open_child(".");
  while (dir && !folder.empty()) {
    const auto slash = folder.find('/');
    dir = dir->open_child(folder.substr(0, slash));
    folder.remove_prefix(slash == std::string_view::npos ? folder.size() : slash + 1);
  }
  if (!dir)
    return std::nullopt;
  return std::move(*dir);
}

std::optional<FileKey> key_of(const platform::DirectoryHandle& dir, const std::string& name) {
  auto identity = dir.identify(name);
  if (!identity)
    return std::nullopt;
  return *identity;
}

bool is_racy(const FileKey& key, std::chrono::nanoseconds window) {
  return is_racy_stamp(key.mtime_ns, window) || is_racy_stamp(key.ctime_ns, window);
}

struct CachedFile {
  FileKey key;
  std::vector<proto::Sha256Digest> hashes;
};
using CachedFiles = std::map<std::string, CachedFile>;  // by relative path

}  // namespace

struct BlockHashCache::Game {
  std::mutex mutex;  // one fill at a time per game: a second request waits and hits
  bool loaded = false;
  CachedFiles files;
};

BlockHashCache::BlockHashCache(const fs::path& state_dir, std::uint32_t block_size,
                               std::chrono::nanoseconds racy_window)
    : dir_(state_dir / "block_hashes"), block_size_(block_size), racy_window_(racy_window) {}

BlockHashCache::~BlockHashCache() = default;

std::shared_ptr<BlockHashCache::Game> BlockHashCache::game(std::string_view game_id) {
  const std::lock_guard lock(mutex_);
  auto it = games_.find(game_id);
  if (it == games_.end())
    it = games_.emplace(std::string(game_id), std::make_shared<Game>()).first;
  return it->second;
}

namespace {

// Reads the saved cache of one game; anything malformed throws it all away.
CachedFiles load_cache(const fs::path& file, std::uint32_t block_size) {
  CachedFiles files;
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return files;
  const auto unreadable = [&file](std::string_view why) {
    spdlog::warn("block hash cache {} is unreadable ({}); rebuilding it", utf8_of(file), why);
    return CachedFiles();
  };
  try {
    const auto doc = json::parse(in);
    if (doc.at("format").get<int>() != kFormat ||
        doc.at("block_size").get<std::uint32_t>() != block_size) {
      return files;
    }
    for (const auto& [path, entry] : doc.at("files").items()) {
      CachedFile cached;
      cached.key = {entry.at("device").get<std::uint64_t>(), entry.at("inode").get<std::uint64_t>(),
                    entry.at("size").get<std::uint64_t>(), entry.at("mtime_ns").get<std::int64_t>(),
                    entry.at("ctime_ns").get<std::int64_t>()};
      auto hashes = from_hex(entry.at("hashes").get<std::string>());
      if (!hashes || hashes->size() != block_count(cached.key.size, block_size))
        return unreadable("wrong number of hashes for " + path);
      cached.hashes = std::move(*hashes);
      files.emplace(path, std::move(cached));
    }
  } catch (const std::exception& e) {  // nlohmann's parse, at() and get()
    return unreadable(e.what());
  }
  return files;
}

void save_cache(const fs::path& file, std::uint32_t block_size, const CachedFiles& files) {
  json entries = json::object();
  for (const auto& [path, cached] : files) {
    entries[path] = {{"device", cached.key.device},     {"inode", cached.key.file_id},
                     {"size", cached.key.size},         {"mtime_ns", cached.key.mtime_ns},
                     {"ctime_ns", cached.key.ctime_ns}, {"hashes", to_hex(cached.hashes)}};
  }
  const json doc = {{"format", kFormat}, {"block_size", block_size}, {"files", std::move(entries)}};
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (const auto saved = platform::write_file_atomically(file, doc.dump()); !saved)
    spdlog::warn("cannot save the block hash cache {}: {}", utf8_of(file), saved.error().message);
}

}  // namespace

void BlockHashCache::fill(const fs::path& game_dir, std::string_view game_id,
                          std::vector<proto::GameFileDescription>& files, std::stop_token stop) {
  const auto state = game(game_id);
  const std::lock_guard lock(state->mutex);
  // Catalog ids are plain names; anything else is never saved under dir_.
  const bool savable = is_servable_name(game_id);
  const auto cache_file = dir_ / (std::string(game_id) + ".json");
  if (!state->loaded) {
    if (savable)
      state->files = load_cache(cache_file, block_size_);
    state->loaded = true;
  }

  const auto root = platform::DirectoryHandle::open(game_dir / path_from_utf8(game_id));
  if (!root) {
    spdlog::warn("{}: cannot hash: {}", game_id, root.error().message());
    return;
  }
  CachedFiles seen;
  bool changed = false;
  std::vector<std::byte> buffer(std::min<std::size_t>(kHashReadSize, block_size_));
  // Listed files come folder by folder: the folder of the previous file is
  // usually this file's too, and reopening it path component by component
  // cost most of a cached game's fill.
  std::optional<platform::DirectoryHandle> dir;
  std::string_view dir_path;
  for (auto& file : files) {
    if (file.is_dir)
      continue;
    if (stop.stop_requested())
      break;
    const auto slash = file.relative_path.rfind('/');
    const auto parent =
        std::string_view(file.relative_path).substr(0, slash == std::string::npos ? 0 : slash);
    const std::string name = file.relative_path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (!dir || parent != dir_path) {
      dir = open_folder(*root, parent);
      dir_path = parent;
    }
    const auto key = dir ? key_of(*dir, name) : std::nullopt;
    if (!key) {
      spdlog::warn("{}: cannot hash {}: not a readable regular file", game_id, file.relative_path);
      continue;
    }
    const auto cached = state->files.find(file.relative_path);
    if (cached != state->files.end() && cached->second.key == *key) {
      file.block_size = block_size_;
      file.block_hashes = cached->second.hashes;
      seen.insert(state->files.extract(cached));
      continue;
    }
    auto opened = platform::ReadOnlyFile::open_in(*dir, name);
    std::vector<proto::Sha256Digest> hashes;
    std::string reason;
    bool complete = opened.has_value();
    for (std::uint64_t offset = 0; complete && offset < key->size; offset += block_size_) {
      if (stop.stop_requested())
        return;
      const auto length = std::min<std::uint64_t>(block_size_, key->size - offset);
      const auto digest = hash_range(*opened, offset, length, buffer);
      complete = digest.has_value();
      if (complete)
        hashes.push_back(*digest);
      else
        reason = digest.error().message;
      bytes_hashed_ += length;
    }
    if (!complete || key_of(*dir, name) != key) {
      spdlog::warn("{}: cannot hash {}: {}", game_id, file.relative_path,
                   reason.empty() ? "it changed while being read" : reason);
      continue;
    }
    file.block_size = block_size_;
    file.block_hashes = hashes;
    if (!is_racy(*key, racy_window_)) {
      seen[file.relative_path] = {*key, std::move(hashes)};
      changed = true;
    }
  }
  if (stop.stop_requested()) {
    // Only part of the game was visited: keep what was known of the rest.
    seen.merge(state->files);
  } else {
    changed = changed || !state->files.empty();  // files that went away, or changed
  }
  state->files = std::move(seen);
  if (changed && savable)
    save_cache(cache_file, block_size_, state->files);
}

void BlockHashCache::hash_games(const fs::path& game_dir, const std::vector<std::string>& game_ids,
                                std::stop_token stop) {
  for (const auto& id : game_ids) {
    if (stop.stop_requested())
      return;
    auto files = list_served_files(game_dir, id);
    const auto before = bytes_hashed();
    fill(game_dir, id, files, stop);
    if (bytes_hashed() != before)
      spdlog::info("{}: hashed {} bytes for peers to verify", id, bytes_hashed() - before);
  }
}

}  // namespace lanspread::peer
