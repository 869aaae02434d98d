#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

struct archive;
struct archive_entry;

namespace lanspread::peer::install {

// The libarchive usage that differs per system (libarchive_posix.cpp,
// libarchive_win.cpp): how names travel between libarchive and the disk, and
// whether symlinks are written.
//
// libarchive keeps a
// name in the archive's encoding and converts it on request: its char
// functions through the current locale, its wchar_t ones to UTF-16 on
// Windows. On POSIX the names go through UTF-8 with the calling thread in a
// UTF-8 locale; on Windows, where msvcrt has no UTF-8 locale, through the
// wide functions.

// Runs `body` with libarchive's conversions set up for the calling thread.
Result<void> with_entry_names(const std::function<Result<void>()>& body);

// Settings of a reader, once its formats are registered. On Windows a RAR
// entry name without its Unicode form is read as UTF-8, as on Linux (the
// tools that write such names, rar on Linux or macOS, write UTF-8; WinRAR
// adds the Unicode form to every name that is not ASCII); libarchive's
// default there, the ANSI code page, would garble it.
void set_reader_options(archive* reader);

// What a reader's volumes need kept beside the reader, and freed after it:
// the open files on Windows, nothing on POSIX.
class VolumeFiles {
 public:
  virtual ~VolumeFiles() = default;
};

// Opens the volumes of one set, in order, as one stream; a libarchive status
// (the reason is the reader's error string). POSIX: archive_read_open_filenames.
// Windows: libarchive 3.6 opens several volumes by char names only, which
// go through the ANSI code page, so the volumes are read through callbacks
// from files opened by their Unicode names.
int open_volumes(archive* reader, const std::vector<std::filesystem::path>& volumes,
                 std::size_t block_size, std::unique_ptr<VolumeFiles>& files);

// The entry's name, its symlink target and its hard link target in UTF-8;
// nullopt when the entry has none or it cannot be converted.
std::optional<std::string> entry_pathname(archive_entry* entry);
std::optional<std::string> entry_symlink(archive_entry* entry);
std::optional<std::string> entry_hardlink(archive_entry* entry);

// Where the disk writer puts the entry, and the file its hard link names.
void set_entry_pathname(archive_entry* entry, const std::filesystem::path& path);
void set_entry_hardlink(archive_entry* entry, const std::filesystem::path& path);

// Whether symlink entries are written. Not on Windows: making a link there
// takes Developer Mode or an administrator, and mingw's std::filesystem can
// neither read nor resolve one, so the check that every link stays inside
// the target could not be made. A link that stays inside by name is then
// skipped with a log line; game archives made on Windows hold none.
bool writes_symlinks();

}  // namespace lanspread::peer::install
