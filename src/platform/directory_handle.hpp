#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "base/result.hpp"
#include "platform/owned_handle.hpp"

namespace lanspread::platform {

enum class EntryType { File, Directory, Symlink, Other };

struct DirectoryEntry {
  std::string name;
  EntryType type = EntryType::Other;
  std::uint64_t size = 0;  // files only
  std::int64_t mtime_ns = 0;
  std::error_code error;  // set when the entry could not be examined
};

// What tells one version of a regular file from another without reading it:
// where it lives (device and file id: inode, or volume serial and file index)
// and its size and change times, in ns since the Unix epoch.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t file_id = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

// Failures here are the OS's error codes, not sentences: callers branch on
// them (a missing file is not a refused one) and word them for their users.

// Examines `path` itself without following a final symlink.
Result<DirectoryEntry, std::error_code> examine(const std::filesystem::path& path);

// An open directory. Children are opened relative to it and never through a
// symlink, so a walk that starts inside a folder cannot be redirected out of
// it, even by a link swapped in while it runs.
class DirectoryHandle {
 public:
  // Opens `path` itself without following a final symlink.
  static Result<DirectoryHandle, std::error_code> open(const std::filesystem::path& path);

  // Opens the child directory `name`; fails (ELOOP/ENOTDIR) on a symlink.
  Result<DirectoryHandle, std::error_code> open_child(std::string_view name) const;

  // Every entry but "." and "..", examined without following symlinks. When
  // the directory cannot be read to its end, sets `error` and returns what
  // was read: a partial listing, which a Result cannot carry.
  std::vector<DirectoryEntry> entries(std::error_code& error) const;

  // Identifies the regular file `name`; fails with ELOOP on a symlink, EINVAL
  // when the entry is not a regular file.
  Result<FileIdentity, std::error_code> identify(std::string_view name) const;

  std::int64_t mtime_ns() const;

  auto native_handle() const { return fd_.get(); }

 private:
  explicit DirectoryHandle(OwnedHandle fd) : fd_(std::move(fd)) {}
  OwnedHandle fd_;
};

// A regular file opened for reading, never through a symlink. Reads are
// positioned, so one open file serves many concurrent ranges.
class ReadOnlyFile {
 public:
  // Opens `name` in `dir`; fails with ELOOP on a symlink, EINVAL when the
  // entry is not a regular file.
  static Result<ReadOnlyFile, std::error_code> open_in(const DirectoryHandle& dir,
                                                       std::string_view name);

  std::uint64_t size() const { return size_; }
  // Reads up to `length` bytes at `offset` into `out`: the count, 0 at the
  // end of the file.
  Result<std::size_t, std::error_code> read_at(std::uint64_t offset, std::byte* out,
                                               std::size_t length) const;

 private:
  ReadOnlyFile(OwnedHandle fd, std::uint64_t size) : fd_(std::move(fd)), size_(size) {}
  OwnedHandle fd_;
  std::uint64_t size_ = 0;
};

}  // namespace lanspread::platform
