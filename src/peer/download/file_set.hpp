#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "platform/directory_handle.hpp"

namespace lanspread::peer::download {

// The payload files a download writes into, indexed like the manifest.
// Writes are positioned, so several peers fill one file at once, and
// never reach past the size the manifest gave the file. Files are opened on
// demand, component by component from the game root and never through a
// symlink; at most `kOpenFiles` stay open, so a game with many files does not
// exhaust descriptors. A file missing when the download began is created by
// its first write. Thread-safe.
class FileSet {
 public:
  static constexpr std::size_t kOpenFiles = 64;

  enum class Creation { Exists, OnFirstWrite };
  struct Entry {
    std::vector<std::string> components;  // empty: not writable (a directory, the sentinel)
    std::uint64_t size = 0;
    Creation creation = Creation::Exists;  // OnFirstWrite: a write creates it, a read never
  };

  // `root` is the open game-root directory.
  FileSet(platform::DirectoryHandle root, std::vector<Entry> entries);
  FileSet(const FileSet&) = delete;
  FileSet& operator=(const FileSet&) = delete;

  // Writes all of `bytes` at `offset` of file `file_index`. Fails when out
  // of range, not a payload file, on a full disk or an I/O error.
  Result<void> write(std::uint32_t file_index, std::uint64_t offset,
                     std::span<const std::byte> bytes) const;
  // Reads exactly `out.size()` bytes at `offset`.
  Result<void> read(std::uint32_t file_index, std::uint64_t offset, std::span<std::byte> out) const;

  std::size_t size() const { return entries_.size(); }
  const Entry& entry(std::uint32_t file_index) const { return entries_.at(file_index); }
  std::string path_of(std::uint32_t file_index) const;
  // Closes every open file and the game folder (before a commit, a fail, a
  // cancel): Windows removes no folder a handle keeps open. Reads and
  // writes fail from then on.
  void close_all() const;

 private:
  struct OpenFile;
  Result<std::shared_ptr<OpenFile>> open(std::uint32_t file_index, bool for_write) const;
  Result<void> check_range(std::uint32_t file_index, std::uint64_t offset,
                           std::size_t length) const;

  // Shared with the opens under way, so closing never pulls it from under one.
  mutable std::shared_ptr<const platform::DirectoryHandle> root_;
  std::vector<Entry> entries_;
  mutable std::mutex mutex_;
  mutable std::vector<std::pair<std::uint32_t, std::shared_ptr<OpenFile>>> cache_;  // MRU last
};

}  // namespace lanspread::peer::download
