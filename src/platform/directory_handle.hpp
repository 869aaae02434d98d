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
  // Files only: the bytes the file takes on disk, less than `size` when it
  // is sparse. 0 from examine(): Windows does not say it for a path.
  std::uint64_t allocated = 0;
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

  // Examines the child `name` without following a symlink: a symlink (any
  // reparse point on Windows) is reported as one.
  Result<DirectoryEntry, std::error_code> examine_child(std::string_view name) const;

  // What changes a directory, each on one child named exactly `name`.
  // Creates the directory `name`; EEXIST when the name is taken.
  Result<void, std::error_code> create_child(std::string_view name) const;
  // Renames `from` to `to` within this directory, replacing a file `to`
  // atomically. On Windows the rename is written through: it reaches the
  // disk before the call returns, with every change made before it.
  Result<void, std::error_code> rename(std::string_view from, std::string_view to) const;
  // Removes the file (or symlink) `name`; EISDIR on a directory.
  Result<void, std::error_code> remove_file(std::string_view name) const;
  // Removes the directory `name` when it is empty: ENOTEMPTY when it is not,
  // ENOTDIR on a file or a symlink.
  Result<void, std::error_code> remove_empty_child(std::string_view name) const;
  // Makes the directory's entries (creations, renames, removals) durable.
  // Best effort, as callers have nothing to do about a failure: POSIX
  // fsyncs the directory; Windows flushes it where NTFS lets it, and NTFS
  // journals the entries anyway (see rename).
  void flush() const;

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

// A regular file opened for reading and writing, never through a symlink.
// Reads and writes are positioned, so several writers share one open file.
class WritableFile {
 public:
  enum class Opening {
    Existing,       // ENOENT when missing
    New,            // EEXIST when the name is taken
    ExistingOrNew,  // created when missing
  };

  // Opens `name` in `dir`; fails with ELOOP on a symlink, EISDIR on a
  // directory, EINVAL on anything else that is not a regular file.
  static Result<WritableFile, std::error_code> open_in(const DirectoryHandle& dir,
                                                       std::string_view name, Opening opening);

  Result<std::uint64_t, std::error_code> size() const;
  // Writes up to `length` bytes at `offset`: the count written.
  Result<std::size_t, std::error_code> write_at(std::uint64_t offset, const std::byte* bytes,
                                                std::size_t length) const;
  // Reads up to `length` bytes at `offset` into `out`: the count, 0 at the
  // end of the file.
  Result<std::size_t, std::error_code> read_at(std::uint64_t offset, std::byte* out,
                                               std::size_t length) const;
  // Extends (with zeros) or shrinks the file to `size` bytes.
  Result<void, std::error_code> resize(std::uint64_t size) const;
  // Returns once the file's contents are on the disk.
  Result<void, std::error_code> flush() const;
  // Starts writing `length` bytes at `offset` to the disk without waiting:
  // a later flush then finds little left to do. A hint (Linux only); it
  // cannot fail.
  void start_writeback(std::uint64_t offset, std::uint64_t length) const;

 private:
  explicit WritableFile(OwnedHandle fd) : fd_(std::move(fd)) {}
  OwnedHandle fd_;
};

}  // namespace lanspread::platform
