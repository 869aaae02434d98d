#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/unique_fd.hpp"

namespace lanspread::platform {

enum class EntryType { File, Directory, Symlink, Other };

struct DirectoryEntry {
  std::string name;
  EntryType type = EntryType::Other;
  std::uint64_t size = 0;  // files only
  std::int64_t mtime_ns = 0;
  int error = 0;  // errno when the entry could not be examined
};

// Examines `path` itself without following a final symlink; nullopt (and
// `error`) when it cannot.
std::optional<DirectoryEntry> examine(const std::filesystem::path& path, int& error);

// An open directory. Children are opened relative to it and never through a
// symlink, so a walk that starts inside a folder cannot be redirected out of
// it, even by a link swapped in while it runs.
class DirectoryHandle {
 public:
  // Opens `path` itself without following a final symlink.
  static std::optional<DirectoryHandle> open(const std::filesystem::path& path, int& error);

  // Opens the child directory `name`; fails (ELOOP/ENOTDIR) on a symlink.
  std::optional<DirectoryHandle> open_child(std::string_view name, int& error) const;

  // Every entry but "." and "..", examined without following symlinks. On
  // failure to read the directory, returns what was read and sets `error`.
  std::vector<DirectoryEntry> entries(int& error) const;

  std::int64_t mtime_ns() const;

  int native_handle() const { return fd_.get(); }

 private:
  explicit DirectoryHandle(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// A regular file opened for reading, never through a symlink. Reads are
// positioned, so one open file serves many concurrent ranges.
class ReadOnlyFile {
 public:
  // Opens `name` in `dir`; fails with ELOOP on a symlink, EINVAL when the
  // entry is not a regular file.
  static std::optional<ReadOnlyFile> open_in(const DirectoryHandle& dir, std::string_view name,
                                             int& error);

  std::uint64_t size() const { return size_; }
  // Reads up to `length` bytes at `offset` into `out`; returns the count (0
  // at the end) or -1 with errno set.
  long read_at(std::uint64_t offset, std::byte* out, std::size_t length) const;

 private:
  ReadOnlyFile(UniqueFd fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}
  UniqueFd fd_;
  std::uint64_t size_ = 0;
};

}  // namespace lanspread::platform
