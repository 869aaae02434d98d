#include "peer/download/sentinel_transaction.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <set>

#include "base/utf8_path.hpp"
#include "peer/download/manifest_path.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/directory_handle.hpp"
#include "platform/flush_tree.hpp"

namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using platform::DirectoryHandle;
using platform::EntryType;
using platform::WritableFile;

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string path;
  for (std::size_t i = 0; i < count; ++i)
    path += (i == 0 ? "" : "/") + parts[i];
  return path;
}

struct Item {
  std::uint32_t index = 0;
  std::vector<std::string> components;
  bool is_dir = false;
  std::uint64_t size = 0;
};

// Opens the directory made of the first `count` components under `root`,
// without following symlinks; creates missing ones when `created` is given
// (recording them). On failure `missing` tells a component that does not
// exist from one that must not be used.
Result<DirectoryHandle> open_parent(const DirectoryHandle& root,
                                    const std::vector<std::string>& parts, std::size_t count,
                                    std::vector<std::string>* created, bool* missing = nullptr) {
  auto dir = root.open_child(".");
  for (std::size_t i = 0; dir && i < count; ++i) {
    auto next = dir->open_child(parts[i]);
    if (!next && next.error() == std::errc::no_such_file_or_directory && created != nullptr) {
      if (auto made = dir->create_child(parts[i]); !made && made.error() != std::errc::file_exists)
        return Error{"cannot create folder " + join(parts, i + 1) + ": " + made.error().message()};
      created->push_back(join(parts, i + 1));
      next = dir->open_child(parts[i]);
    }
    if (!next) {
      const auto error = next.error();
      if (missing != nullptr)
        *missing = error == std::errc::no_such_file_or_directory;
      if (error == std::errc::too_many_symbolic_link_levels || error == std::errc::not_a_directory)
        return Error{join(parts, i + 1) + " is a symlink or not a folder"};
      return Error{"cannot open folder " + join(parts, i + 1) + ": " + error.message()};
    }
    dir = std::move(*next);
  }
  if (!dir)
    return Error{"cannot open the game folder again: " + dir.error().message()};
  return std::move(*dir);
}

// The manifest checked as a whole: paths, duplicates, a file where another
// entry needs a folder.
Result<void> check_manifest(const std::vector<proto::GameFileDescription>& files,
                            std::vector<Item>& items, std::optional<std::uint32_t>& sentinel) {
  std::set<std::string> file_paths;
  std::set<std::string> dir_paths;
  std::uint64_t total = 0;
  for (std::uint32_t index = 0; index < files.size(); ++index) {
    const auto& file = files[index];
    auto components = check_manifest_path(file.relative_path);
    if (!components)
      return Error{"manifest entry " + std::to_string(index) + ": " + components.error().message};
    if (components->size() == 1 && components->front() == layout::kVersionFile) {
      if (file.is_dir)
        return Error{"manifest entry " + std::to_string(index) +
                     ": version.ini cannot be a folder"};
      if (sentinel)
        return Error{"the manifest lists version.ini twice"};
      sentinel = index;
      continue;
    }
    for (std::size_t depth = 1; depth < components->size(); ++depth)
      dir_paths.insert(join(*components, depth));
    const auto path = join(*components, components->size());
    if (file.is_dir) {
      dir_paths.insert(path);
    } else {
      if (!file_paths.insert(path).second)
        return Error{"the manifest lists " + path + " twice"};
      if (file.size > UINT64_MAX - total)
        return Error{"the manifest's sizes add up past 2^64 bytes"};
      total += file.size;
    }
    items.push_back({index, std::move(*components), file.is_dir, file.size});
  }
  for (const auto& path : file_paths) {
    if (dir_paths.contains(path))
      return Error{"the manifest lists " + path + " both as a file and as a folder"};
  }
  std::vector<std::string> paths(file_paths.begin(), file_paths.end());
  paths.insert(paths.end(), dir_paths.begin(), dir_paths.end());
  return check_distinct_ignoring_case(paths);
}

// Looks at what is on disk before anything changes: a symlink, or an entry
// of the wrong kind, on any manifest path is refused. The bytes the download
// still has to allocate.
Result<std::uint64_t> inspect(const DirectoryHandle& root, const std::vector<Item>& items) {
  std::uint64_t to_allocate = 0;
  // As in begin: a folder's files come together, so its handle is kept.
  std::optional<DirectoryHandle> dir;
  std::optional<std::string> dir_path;
  bool missing = false;
  for (const auto& item : items) {
    const auto& parts = item.components;
    auto parent = join(parts, parts.size() - 1);
    if (parent != dir_path) {
      missing = false;
      auto opened = open_parent(root, parts, parts.size() - 1, nullptr, &missing);
      if (opened)
        dir = std::move(*opened);
      else if (!missing)  // a missing folder is created later; anything else is refused
        return opened.error();
      dir_path = std::move(parent);
    }
    if (missing) {
      to_allocate += item.size;
      continue;
    }
    const auto info = dir->examine_child(parts.back());
    if (!info) {
      if (info.error() != std::errc::no_such_file_or_directory) {
        return Error{"cannot examine " + join(parts, parts.size()) + ": " + info.error().message()};
      }
      to_allocate += item.size;
      continue;
    }
    const auto path = join(parts, parts.size());
    if (item.is_dir) {
      if (info->type != EntryType::Directory)
        return Error{path + " exists and is not a folder"};
      continue;
    }
    if (info->type != EntryType::File)
      return Error{path + " exists and is not a regular file (a folder, a symlink or a device)"};
    if (item.size > info->allocated)
      to_allocate += item.size - info->allocated;
  }
  return to_allocate;
}

void remove_quietly(const DirectoryHandle& dir, std::string_view name) {
  const auto removed = dir.remove_file(name);
  if (!removed && removed.error() != std::errc::no_such_file_or_directory)
    spdlog::warn("cannot remove {}: {}", name, removed.error().message());
}

// Removes the folder `path` if it is empty: a folder someone filled stays.
void remove_if_empty(const fs::path& path) {
  const auto clean = path.lexically_normal();
  const auto folder = clean.has_filename() ? clean : clean.parent_path();
  const auto parent = DirectoryHandle::open(folder.parent_path());
  if (parent)
    static_cast<void>(parent->remove_empty_child(utf8_of(folder.filename())));
}

}  // namespace

struct SentinelTransaction::State {
  fs::path root;
  std::optional<DirectoryHandle> root_dir;  // closed before the root itself is removed
  bool created_root = false;
  std::vector<proto::GameFileDescription> manifest;
  std::optional<std::uint32_t> sentinel;
  std::vector<Item> items;
  std::vector<std::string> created_dirs;  // in creation order
  std::unique_ptr<FileSet> files;
  bool settled = false;

  void sweep_temporaries() const {
    remove_quietly(*root_dir, layout::kVersionTmp);
    remove_quietly(*root_dir, layout::kVersionDiscarded);
    root_dir->flush();
  }

  void remove_created_dirs() const {
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) {
      const auto parts = check_manifest_path(*it);
      if (!parts)
        continue;
      const auto dir = open_parent(*root_dir, *parts, parts->size() - 1, nullptr);
      if (!dir)
        continue;
      // Only empty ones go: a folder someone filled meanwhile stays.
      static_cast<void>(dir->remove_empty_child(parts->back()));
    }
  }

  void remove_payload(const std::vector<bool>* only) const {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& item = items[i];
      if (item.is_dir || (only != nullptr && !(*only)[i]))
        continue;
      const auto dir = open_parent(*root_dir, item.components, item.components.size() - 1, nullptr);
      if (!dir)
        continue;
      const auto& name = item.components.back();
      const auto info = dir->examine_child(name);
      if (info && info->type == EntryType::File)
        remove_quietly(*dir, name);
    }
  }
};

SentinelTransaction::SentinelTransaction(std::unique_ptr<State> state) : state_(std::move(state)) {}
SentinelTransaction::SentinelTransaction(SentinelTransaction&&) noexcept = default;
SentinelTransaction& SentinelTransaction::operator=(SentinelTransaction&&) noexcept = default;

SentinelTransaction::~SentinelTransaction() {
  if (state_ && !state_->settled)
    fail();
}

const FileSet& SentinelTransaction::files() const {
  return *state_->files;
}

Result<SentinelTransaction> SentinelTransaction::begin(
    const fs::path& game_root, std::vector<proto::GameFileDescription> files) {
  auto state = std::make_unique<State>();
  state->root = game_root;
  if (auto checked = check_manifest(files, state->items, state->sentinel); !checked)
    return checked.error();
  state->manifest = std::move(files);

  auto opened_root = DirectoryHandle::open(game_root);
  if (!opened_root && opened_root.error() == std::errc::no_such_file_or_directory) {
    std::error_code error;
    if (!fs::create_directory(game_root, error)) {
      return Error{"cannot create the game folder " + utf8_of(game_root) + ": " +
                   (error ? error.message() : "it appeared meanwhile")};
    }
    state->created_root = true;
    opened_root = DirectoryHandle::open(game_root);
  }
  if (!opened_root) {
    return Error{"cannot open the game folder " + utf8_of(game_root) + ": " +
                 opened_root.error().message()};
  }
  state->root_dir = std::move(*opened_root);
  const auto& root = *state->root_dir;
  const auto give_up = [&](std::string reason) {
    if (state->created_root) {
      state->root_dir.reset();
      remove_if_empty(game_root);
    }
    return Error{std::move(reason)};
  };

  // Everything that can be refused is refused before anything changes.
  const auto inspected = inspect(root, state->items);
  if (!inspected)
    return give_up(inspected.error().message);
  const auto to_allocate = *inspected;
  const auto sentinel_info = root.examine_child(layout::kVersionFile);
  const bool has_sentinel = sentinel_info.has_value();
  if (has_sentinel && sentinel_info->type == EntryType::Directory)
    return give_up("version.ini in " + utf8_of(game_root) + " is a folder");
  std::error_code space_error;
  const auto space = fs::space(game_root, space_error);
  if (!space_error && to_allocate > space.available) {
    return give_up("not enough disk space in " + utf8_of(game_root) + ": the download needs " +
                   std::to_string(to_allocate) + " more bytes, " + std::to_string(space.available) +
                   " are free");
  }

  remove_quietly(root, layout::kVersionTmp);
  if (has_sentinel) {
    if (auto parked = root.rename(layout::kVersionFile, layout::kVersionDiscarded); !parked)
      return give_up("cannot park version.ini: " + parked.error().message());
    root.flush();
  }

  // From here a failure is a failed download: the sentinel stays parked and
  // is swept, and what this begin created is removed again.
  std::vector<bool> created(state->items.size(), false);
  std::vector<FileSet::Entry> entries(state->manifest.size());
  // Manifests list a folder's files together: its handle is kept for the
  // next file rather than reopened component by component for each.
  std::optional<DirectoryHandle> dir;
  std::optional<std::string> dir_path;
  const auto undo = [&](std::string reason) {
    dir.reset();  // Windows removes no folder a handle keeps open
    state->remove_payload(&created);
    state->remove_created_dirs();
    state->sweep_temporaries();
    state->settled = true;
    return give_up(std::move(reason));
  };
  for (std::size_t i = 0; i < state->items.size(); ++i) {
    const auto& item = state->items[i];
    const auto& parts = item.components;
    const auto path = join(parts, parts.size());
    const auto depth = item.is_dir ? parts.size() : parts.size() - 1;
    auto parent = join(parts, depth);
    if (parent != dir_path) {
      auto opened = open_parent(root, parts, depth, &state->created_dirs);
      if (!opened)
        return undo(opened.error().message);
      dir = std::move(*opened);
      dir_path = std::move(parent);
    }
    if (item.is_dir)
      continue;
    const auto& name = parts.back();
    auto file = WritableFile::open_in(*dir, name, WritableFile::Opening::Existing);
    if (!file && file.error() == std::errc::no_such_file_or_directory) {
      if (item.size > 0) {
        // Created by its first write: creating thousands of files up front
        // held back the first byte by over a second, and each creation now
        // overlaps with transfers already running.
        entries[item.index] = {parts, item.size, FileSet::Creation::OnFirstWrite};
        continue;
      }
      file = WritableFile::open_in(*dir, name, WritableFile::Opening::New);
      created[i] = file.has_value();
    }
    if (!file) {
      if (file.error() == std::errc::invalid_argument || file.error() == std::errc::is_a_directory)
        return undo(path + " is not a regular file");
      return undo("cannot create " + path + ": " + file.error().message());
    }
    const auto size = file->size();
    if (!size)
      return undo("cannot examine " + path + ": " + size.error().message());
    if (*size != item.size) {
      if (auto sized = file->resize(item.size); !sized) {
        return undo("cannot size " + path + " to " + std::to_string(item.size) +
                    " bytes: " + sized.error().message());
      }
    }
    entries[item.index] = {parts, item.size};
  }
  auto set_root = root.open_child(".");
  if (!set_root)
    return undo("cannot open the game folder again: " + set_root.error().message());
  state->files = std::make_unique<FileSet>(std::move(*set_root), std::move(entries));
  return SentinelTransaction(std::move(state));
}

Result<void> SentinelTransaction::commit(std::string_view version_ini) {
  auto& state = *state_;
  if (state.settled)
    return Error{"the download transaction is already over"};
  if (state.sentinel) {
    const auto& entry = state.manifest[*state.sentinel];
    if (version_ini.size() != entry.size) {
      return Error{"version.ini has " + std::to_string(version_ini.size()) +
                   " bytes, the manifest says " + std::to_string(entry.size)};
    }
    if (!entry.block_hashes.empty()) {
      const auto* bytes = reinterpret_cast<const std::byte*>(version_ini.data());
      if (entry.block_hashes.size() != 1 ||
          sha256(std::span(bytes, version_ini.size())) != entry.block_hashes.front())
        return Error{"version.ini does not match the manifest's hash"};
    }
  }
  const auto& root = *state.root_dir;
  state.files->close_all();
  // Every payload byte durable before the sentinel can say so: one syncfs
  // on Linux, FlushFileBuffers of every file on Windows.
  if (auto flushed = platform::flush_tree(state.root); !flushed)
    return Error{"cannot flush the downloaded files to disk: " + flushed.error().message};

  const auto write_error = [&](const std::string& what, const std::error_code& error) {
    Error failure{what + " " + std::string(layout::kVersionTmp) + ": " + error.message()};
    remove_quietly(root, layout::kVersionTmp);
    return failure;
  };
  {
    const auto file =
        WritableFile::open_in(root, layout::kVersionTmp, WritableFile::Opening::ExistingOrNew);
    if (!file)
      return write_error("cannot create", file.error());
    if (auto emptied = file->resize(0); !emptied)
      return write_error("cannot create", emptied.error());
    const auto* bytes = reinterpret_cast<const std::byte*>(version_ini.data());
    std::uint64_t offset = 0;
    while (offset < version_ini.size()) {
      const auto written = file->write_at(offset, bytes + offset, version_ini.size() - offset);
      if (!written)
        return write_error("cannot write", written.error());
      offset += *written;
    }
    if (auto flushed = file->flush(); !flushed)
      return write_error("cannot flush", flushed.error());
  }  // closed before the rename
  if (auto renamed = root.rename(layout::kVersionTmp, layout::kVersionFile); !renamed)
    return write_error("cannot rename", renamed.error());
  root.flush();
  remove_quietly(root, layout::kVersionDiscarded);
  root.flush();
  state.settled = true;
  return {};
}

void SentinelTransaction::fail() {
  auto& state = *state_;
  if (state.settled)
    return;
  state.files->close_all();
  state.sweep_temporaries();
  state.settled = true;
}

void SentinelTransaction::cancel() {
  auto& state = *state_;
  if (state.settled)
    return;
  state.files->close_all();
  state.remove_payload(nullptr);
  state.remove_created_dirs();
  state.sweep_temporaries();
  if (state.created_root) {
    state.root_dir.reset();  // Windows removes no folder a handle keeps open
    remove_if_empty(state.root);
  }
  state.settled = true;
}

void sweep_sentinel_temporaries(const fs::path& game_root) {
  const auto root = DirectoryHandle::open(game_root);
  if (!root)
    return;
  remove_quietly(*root, layout::kVersionTmp);
  remove_quietly(*root, layout::kVersionDiscarded);
  root->flush();
}

}  // namespace lanspread::peer::download
