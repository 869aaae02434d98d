#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>

#include "base/result.hpp"
#include "peer/install/archive_set.hpp"

namespace lanspread::peer::install {

struct UnpackProgress {
  std::uint64_t archive_bytes_read = 0;  // of ArchiveSet::size, for a progress bar
  std::uint64_t bytes_written = 0;       // unpacked bytes so far
};
using UnpackProgressFn = std::function<void(const UnpackProgress&)>;

struct ArchiveEntryInfo {
  std::string path;  // relative, '/'-separated, as stored in the archive
  std::uint64_t size = 0;
  bool regular_file = false;
};
using ArchiveEntryFn = std::function<void(const ArchiveEntryInfo&)>;

// Turns archives into files. Injected into the install transactions so that
// a platform can bring its own (and tests can fail on purpose).
class Unpacker {
 public:
  virtual ~Unpacker() = default;

  // Writes every entry of `set` under `target`, an existing directory, and
  // nothing outside it. Stops with Error::cancelled() soon after `stop` is
  // requested. On failure `target` may hold part of the set: callers unpack
  // into a staging directory they throw away.
  virtual Result<void> unpack(const ArchiveSet& set, const std::filesystem::path& target,
                              const UnpackProgressFn& progress, std::stop_token stop) = 0;

  // Reads every header of `set` to the end without writing anything.
  virtual Result<void> list(const ArchiveSet& set, const ArchiveEntryFn& on_entry,
                            std::stop_token stop) = 0;
};

}  // namespace lanspread::peer::install
