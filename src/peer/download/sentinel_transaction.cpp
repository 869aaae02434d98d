#include "peer/download/sentinel_transaction.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "peer/download/manifest_path.hpp"
#include "peer/library/block_hash.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/unique_fd.hpp"

namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using platform::UniqueFd;

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kFileFlags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

std::string errno_text(int error) {
  return std::strerror(error);
}

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
Result<UniqueFd> open_parent(int root, const std::vector<std::string>& parts, std::size_t count,
                             std::vector<std::string>* created, bool* missing = nullptr) {
  UniqueFd dir(::fcntl(root, F_DUPFD_CLOEXEC, 0));
  for (std::size_t i = 0; i < count; ++i) {
    int fd = ::openat(dir.get(), parts[i].c_str(), kDirFlags);
    if (fd < 0 && errno == ENOENT && created != nullptr) {
      if (::mkdirat(dir.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST)
        return Error{"cannot create folder " + join(parts, i + 1) + ": " + errno_text(errno)};
      created->push_back(join(parts, i + 1));
      fd = ::openat(dir.get(), parts[i].c_str(), kDirFlags);
    }
    if (fd < 0) {
      const int error = errno;
      if (missing != nullptr)
        *missing = error == ENOENT;
      if (error == ELOOP || error == ENOTDIR)
        return Error{join(parts, i + 1) + " is a symlink or not a folder"};
      return Error{"cannot open folder " + join(parts, i + 1) + ": " + errno_text(error)};
    }
    dir.reset(fd);
  }
  return dir;
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
Result<std::uint64_t> inspect(int root, const std::vector<Item>& items) {
  std::uint64_t to_allocate = 0;
  // As in begin: a folder's files come together, so its descriptor is kept.
  UniqueFd dir;
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
    struct stat info {};
    if (::fstatat(dir.get(), parts.back().c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT)
        return Error{"cannot examine " + join(parts, parts.size()) + ": " + errno_text(errno)};
      to_allocate += item.size;
      continue;
    }
    const auto path = join(parts, parts.size());
    if (item.is_dir) {
      if (!S_ISDIR(info.st_mode))
        return Error{path + " exists and is not a folder"};
      continue;
    }
    if (!S_ISREG(info.st_mode))
      return Error{path + " exists and is not a regular file (a folder, a symlink or a device)"};
    const auto allocated = static_cast<std::uint64_t>(info.st_blocks) * 512;
    if (item.size > allocated)
      to_allocate += item.size - allocated;
  }
  return to_allocate;
}

void unlink_quietly(int dir, std::string_view name) {
  const std::string entry(name);
  if (::unlinkat(dir, entry.c_str(), 0) != 0 && errno != ENOENT)
    spdlog::warn("cannot remove {}: {}", entry, std::strerror(errno));
}

}  // namespace

struct SentinelTransaction::State {
  fs::path root;
  UniqueFd root_fd;
  bool created_root = false;
  std::vector<proto::GameFileDescription> manifest;
  std::optional<std::uint32_t> sentinel;
  std::vector<Item> items;
  std::vector<std::string> created_dirs;  // in creation order
  std::unique_ptr<FileSet> files;
  bool settled = false;

  void sweep_temporaries() const {
    unlink_quietly(root_fd.get(), layout::kVersionTmp);
    unlink_quietly(root_fd.get(), layout::kVersionDiscarded);
    ::fsync(root_fd.get());
  }

  void remove_created_dirs() const {
    for (auto it = created_dirs.rbegin(); it != created_dirs.rend(); ++it) {
      const auto parts = check_manifest_path(*it);
      if (!parts)
        continue;
      const auto dir = open_parent(root_fd.get(), *parts, parts->size() - 1, nullptr);
      if (!dir)
        continue;
      // Only empty ones go: a folder someone filled meanwhile stays.
      ::unlinkat(dir->get(), parts->back().c_str(), AT_REMOVEDIR);
    }
  }

  void remove_payload(const std::vector<bool>* only) const {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& item = items[i];
      if (item.is_dir || (only != nullptr && !(*only)[i]))
        continue;
      const auto dir =
          open_parent(root_fd.get(), item.components, item.components.size() - 1, nullptr);
      if (!dir)
        continue;
      struct stat info {};
      const auto& name = item.components.back();
      if (::fstatat(dir->get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISREG(info.st_mode)) {
        unlink_quietly(dir->get(), name);
      }
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

  int fd = ::open(game_root.c_str(), kDirFlags);
  if (fd < 0 && errno == ENOENT) {
    if (::mkdir(game_root.c_str(), 0755) != 0)
      return Error{"cannot create the game folder " + game_root.string() + ": " +
                   errno_text(errno)};
    state->created_root = true;
    fd = ::open(game_root.c_str(), kDirFlags);
  }
  if (fd < 0)
    return Error{"cannot open the game folder " + game_root.string() + ": " + errno_text(errno)};
  state->root_fd.reset(fd);
  const auto give_up = [&](std::string reason) {
    if (state->created_root)
      ::rmdir(game_root.c_str());
    return Error{std::move(reason)};
  };

  // Everything that can be refused is refused before anything changes.
  const auto inspected = inspect(fd, state->items);
  if (!inspected)
    return give_up(inspected.error().message);
  const auto to_allocate = *inspected;
  struct stat sentinel_info {};
  const bool has_sentinel = ::fstatat(fd, std::string(layout::kVersionFile).c_str(), &sentinel_info,
                                      AT_SYMLINK_NOFOLLOW) == 0;
  if (has_sentinel && S_ISDIR(sentinel_info.st_mode))
    return give_up("version.ini in " + game_root.string() + " is a folder");
  struct statvfs space {};
  if (::fstatvfs(fd, &space) == 0) {
    const auto available = static_cast<std::uint64_t>(space.f_bavail) * space.f_frsize;
    if (to_allocate > available) {
      return give_up("not enough disk space in " + game_root.string() + ": the download needs " +
                     std::to_string(to_allocate) + " more bytes, " + std::to_string(available) +
                     " are free");
    }
  }

  unlink_quietly(fd, layout::kVersionTmp);
  if (has_sentinel) {
    if (::renameat(fd, std::string(layout::kVersionFile).c_str(), fd,
                   std::string(layout::kVersionDiscarded).c_str()) != 0) {
      return give_up("cannot park version.ini: " + errno_text(errno));
    }
    ::fsync(fd);
  }

  // From here a failure is a failed download: the sentinel stays parked and
  // is swept, and what this begin created is removed again.
  std::vector<bool> created(state->items.size(), false);
  std::vector<FileSet::Entry> entries(state->manifest.size());
  const auto undo = [&](std::string reason) {
    state->remove_payload(&created);
    state->remove_created_dirs();
    state->sweep_temporaries();
    state->settled = true;
    return give_up(std::move(reason));
  };
  // Manifests list a folder's files together: its descriptor is kept for the
  // next file rather than reopened component by component for each.
  UniqueFd dir;
  std::optional<std::string> dir_path;
  for (std::size_t i = 0; i < state->items.size(); ++i) {
    const auto& item = state->items[i];
    const auto& parts = item.components;
    const auto path = join(parts, parts.size());
    const auto depth = item.is_dir ? parts.size() : parts.size() - 1;
    auto parent = join(parts, depth);
    if (parent != dir_path) {
      auto opened = open_parent(fd, parts, depth, &state->created_dirs);
      if (!opened)
        return undo(opened.error().message);
      dir = std::move(*opened);
      dir_path = std::move(parent);
    }
    if (item.is_dir)
      continue;
    const auto& name = parts.back();
    int file = ::openat(dir.get(), name.c_str(), kFileFlags);
    if (file < 0 && errno == ENOENT) {
      if (item.size > 0) {
        // Created by its first write: creating thousands of files up front
        // held back the first byte by over a second, and each creation now
        // overlaps with transfers already running.
        entries[item.index] = {parts, item.size, FileSet::Creation::OnFirstWrite};
        continue;
      }
      file = ::openat(dir.get(), name.c_str(), kFileFlags | O_CREAT | O_EXCL, 0644);
      created[i] = file >= 0;
    }
    if (file < 0)
      return undo("cannot create " + path + ": " + errno_text(errno));
    UniqueFd owned(file);
    struct stat info {};
    if (::fstat(file, &info) != 0 || !S_ISREG(info.st_mode))
      return undo(path + " is not a regular file");
    if (static_cast<std::uint64_t>(info.st_size) != item.size &&
        ::ftruncate(file, static_cast<off_t>(item.size)) != 0) {
      return undo("cannot size " + path + " to " + std::to_string(item.size) +
                  " bytes: " + errno_text(errno));
    }
    entries[item.index] = {parts, item.size};
  }
  state->files = std::make_unique<FileSet>(fd, std::move(entries));
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
  const int root = state.root_fd.get();
  state.files->close_all();
  // One call makes every payload byte durable before the sentinel can say so.
  if (::syncfs(root) != 0)
    return Error{"cannot flush the downloaded files to disk: " + errno_text(errno)};

  const std::string tmp(layout::kVersionTmp);
  const auto write_error = [&](const std::string& what) {
    Error error{what + " " + std::string(layout::kVersionTmp) + ": " + errno_text(errno)};
    unlink_quietly(root, layout::kVersionTmp);
    return error;
  };
  UniqueFd file(
      ::openat(root, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!file)
    return write_error("cannot create");
  std::string_view rest = version_ini;
  while (!rest.empty()) {
    const auto written = ::write(file.get(), rest.data(), rest.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0)
      return write_error("cannot write");
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  if (::fsync(file.get()) != 0)
    return write_error("cannot flush");
  file.reset();
  if (::renameat(root, tmp.c_str(), root, std::string(layout::kVersionFile).c_str()) != 0)
    return write_error("cannot rename");
  ::fsync(root);
  unlink_quietly(root, layout::kVersionDiscarded);
  ::fsync(root);
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
  if (state.created_root)
    ::rmdir(state.root.c_str());  // only when nothing else is left in it
  state.settled = true;
}

void sweep_sentinel_temporaries(const fs::path& game_root) {
  UniqueFd root(::open(game_root.c_str(), kDirFlags));
  if (!root)
    return;
  unlink_quietly(root.get(), layout::kVersionTmp);
  unlink_quietly(root.get(), layout::kVersionDiscarded);
  ::fsync(root.get());
}

}  // namespace lanspread::peer::download
