#pragma once

#include <string>

#include "peer/install/unpacker.hpp"

namespace lanspread::peer::install {

// The default unpacker: libarchive reads RAR 4, RAR 5 (solid, multi-volume),
// zip, 7z and tar with any compression filter it knows.
//
// Refused, with the reason in the result: entry names that are absolute,
// contain ".." or cannot be stored on this system (check_entry_name),
// symlinks whose target is absolute or leads out of the target, hard links
// to anything outside it, anything written through a symlink, device files,
// FIFOs and sockets, encrypted entries ("encrypted archive"), and corrupt
// data. Symlinks are written only where writes_symlinks() says so.
class LibarchiveUnpacker final : public Unpacker {
 public:
  Result<void> unpack(const ArchiveSet& set, const std::filesystem::path& target,
                      const UnpackProgressFn& progress, std::stop_token stop) override;
  Result<void> list(const ArchiveSet& set, const ArchiveEntryFn& on_entry,
                    std::stop_token stop) override;

 private:
  static Result<void> unpack_set(const ArchiveSet& set, const std::filesystem::path& target,
                                 const UnpackProgressFn& progress, const std::stop_token& stop);
  static Result<void> list_set(const ArchiveSet& set, const ArchiveEntryFn& on_entry,
                               const std::stop_token& stop);
};

// The libarchive this program runs with, as it reports itself at run time:
// "libarchive 3.6.2".
std::string libarchive_version();

}  // namespace lanspread::peer::install
