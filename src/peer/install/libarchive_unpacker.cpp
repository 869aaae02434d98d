#include "peer/install/libarchive_unpacker.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/utf8_path.hpp"
#include "peer/install/entry_name.hpp"
#include "peer/install/libarchive_system.hpp"
#include "peer/install/rar5_probe.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kReadBlockSize = std::size_t{1} << 20;

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ReadArchive = std::unique_ptr<archive, ReadDeleter>;
using WriteArchive = std::unique_ptr<archive, WriteDeleter>;

std::string libarchive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown error";
}

// Reader errors, worded for a user: encryption and corruption are the two a
// user can act on (get another copy, or an unencrypted one).
std::string read_failure(archive* a, const ArchiveSet& set) {
  const auto message = libarchive_message(a);
  // libarchive 3.6 does not flag encrypted RAR 5 entries; it fails while
  // decompressing them, with a message about block headers.
  if (message.find("ncrypt") != std::string::npos || message.find("assword") != std::string::npos)
    return "encrypted archive " + set.name + ": " + message;
  if (rar5_has_encryption(set.volumes.front()))
    return "encrypted archive " + set.name + ": it is password-protected, which is not supported";
  return "corrupt or unreadable archive " + set.name + ": " + message;
}

std::string write_failure(archive* w, const ArchiveSet& set, std::string_view entry) {
  if (archive_errno(w) == ENOSPC)
    return "no space left on the device while unpacking '" + std::string(entry) + "' from " +
           set.name;
  return "cannot write '" + std::string(entry) + "' from " + set.name + ": " +
         libarchive_message(w);
}

// A reader and what its volumes need; the reader is freed first.
struct OpenedSet {
  std::unique_ptr<VolumeFiles> files;
  ReadArchive reader;

  archive* get() const { return reader.get(); }
};

Result<OpenedSet> open_set(const ArchiveSet& set) {
  if (set.volumes.empty())
    return Error{"archive set " + set.name + " has no volumes"};
  ReadArchive reader(archive_read_new());
  archive_read_support_format_all(reader.get());
  archive_read_support_filter_all(reader.get());
  set_reader_options(reader.get());
  std::unique_ptr<VolumeFiles> files;
  if (open_volumes(reader.get(), set.volumes, kReadBlockSize, files) != ARCHIVE_OK)
    return Error{"cannot open archive " + set.name + ": " + libarchive_message(reader.get())};
  return OpenedSet{.files = std::move(files), .reader = std::move(reader)};
}

bool is_inside(const fs::path& root, const fs::path& candidate) {
  auto mismatch = std::mismatch(root.begin(), root.end(), candidate.begin(), candidate.end());
  return mismatch.first == root.end();
}

// Refuses the entry types no game needs and no unpack should create.
Result<void> check_entry_type(archive_entry* entry, std::string_view name) {
  switch (archive_entry_filetype(entry)) {
    case AE_IFCHR:
    case AE_IFBLK:
      return Error{"entry '" + std::string(name) + "' is a device file"};
    case AE_IFIFO:
      return Error{"entry '" + std::string(name) + "' is a FIFO"};
    case AE_IFSOCK:
      return Error{"entry '" + std::string(name) + "' is a socket"};
    default:
      return {};
  }
}

// One unpack of one set; holds what the checks after the last entry need.
class Extraction {
 public:
  Extraction(const ArchiveSet& set, fs::path root, archive* reader, archive* writer)
      : set_(set), root_(std::move(root)), reader_(reader), writer_(writer) {}

  Result<void> run(const UnpackProgressFn& progress, const std::stop_token& stop) {
    archive_entry* entry = nullptr;
    for (;;) {
      if (stop.stop_requested())
        return Error::cancelled();
      const int status = archive_read_next_header(reader_, &entry);
      if (status == ARCHIVE_EOF)
        break;
      if (status == ARCHIVE_WARN)
        spdlog::warn("unpack {}: {}", set_.name, libarchive_message(reader_));
      else if (status != ARCHIVE_OK)
        return Error{read_failure(reader_, set_)};
      if (auto written = write_entry(entry, progress, stop); !written)
        return written;
    }
    if (archive_write_close(writer_) != ARCHIVE_OK)
      return Error{write_failure(writer_, set_, "(closing)")};
    return check_links();
  }

 private:
  Error refuse(const std::string& reason) const {
    return Error{"refusing archive " + set_.name + ": " + reason};
  }

  Result<void> write_entry(archive_entry* entry, const UnpackProgressFn& progress,
                           const std::stop_token& stop) {
    const auto raw = entry_pathname(entry);
    if (archive_entry_is_encrypted(entry) != 0)
      return Error{"encrypted archive " + set_.name + ": entry '" + raw.value_or("") +
                   "' is password-protected"};
    if (!raw)
      return refuse("an entry has no readable name");
    const auto checked = check_entry_name(*raw);
    if (!checked)
      return refuse(checked.error().message);
    if (auto type = check_entry_type(entry, *raw); !type)
      return refuse(type.error().message);
    const auto& name = *checked;
    if (name.empty())
      return {};  // the archive's own root directory

    if (archive_entry_filetype(entry) == AE_IFLNK) {
      const auto target = entry_symlink(entry);
      if (!target || !link_target_stays_inside(name, *target))
        return refuse("entry '" + name + "' is a link to '" + target.value_or("") +
                      "', outside the target folder");
      if (!writes_symlinks()) {
        spdlog::warn("unpack {}: not creating the symbolic link {} -> {}: not on this system",
                     set_.name, name, *target);
        return {};
      }
      links_.push_back(name);
    }
    if (const auto hardlink = entry_hardlink(entry)) {
      const auto link = check_entry_name(*hardlink);
      if (!link)
        return refuse("hard link " + name + ": " + link.error().message);
      std::error_code ec;
      const auto linked = root_ / path_from_utf8(*link);
      const auto resolved = fs::weakly_canonical(linked, ec);
      if (ec || !is_inside(root_, resolved))
        return refuse("entry '" + name + "' is a hard link to '" + *hardlink +
                      "', outside the target folder");
      set_entry_hardlink(entry, linked);
    }
    set_entry_pathname(entry, root_ / path_from_utf8(name));

    int status = archive_write_header(writer_, entry);
    if (status == ARCHIVE_WARN)
      spdlog::warn("unpack {}: {}: {}", set_.name, name, libarchive_message(writer_));
    else if (status != ARCHIVE_OK)
      return Error{write_failure(writer_, set_, name)};

    // Directories and links carry no data (RAR 5 fails when asked for the
    // data of a directory link). Entries of unknown type are read like files
    // so that their data is checked.
    const auto type = archive_entry_filetype(entry);
    const bool has_data = type != AE_IFDIR && type != AE_IFLNK;
    std::uint64_t entry_end = 0;
    while (has_data) {
      if (stop.stop_requested())
        return Error::cancelled();
      const void* block = nullptr;
      std::size_t size = 0;
      la_int64_t offset = 0;
      status = archive_read_data_block(reader_, &block, &size, &offset);
      if (status == ARCHIVE_EOF)
        break;
      if (status != ARCHIVE_OK)
        return Error{read_failure(reader_, set_)};
      if (archive_write_data_block(writer_, block, size, offset) != ARCHIVE_OK)
        return Error{write_failure(writer_, set_, name)};
      // Some readers (RAR 5 across volumes) hand out overlapping blocks, so
      // the entry's extent counts, not the sum of block sizes.
      entry_end = std::max(entry_end, static_cast<std::uint64_t>(offset) + size);
      if (progress) {
        progress(
            {.archive_bytes_read = static_cast<std::uint64_t>(archive_filter_bytes(reader_, -1)),
             .bytes_written = written_before_entry_ + entry_end});
      }
    }
    written_before_entry_ += entry_end;
    status = archive_write_finish_entry(writer_);
    if (status == ARCHIVE_WARN)
      spdlog::warn("unpack {}: {}: {}", set_.name, name, libarchive_message(writer_));
    else if (status != ARCHIVE_OK)
      return Error{write_failure(writer_, set_, name)};
    return {};
  }

  // Link targets are checked by name as they arrive, but a link written
  // later can change where an earlier one leads ("a -> b/..", then
  // "b -> ."), so every link is resolved once more when all are in place.
  Result<void> check_links() const {
    for (const auto& link : links_) {
      std::error_code ec;
      const auto resolved = fs::weakly_canonical(root_ / path_from_utf8(link), ec);
      if (ec)
        return refuse("cannot resolve link '" + link + "': " + ec.message());
      if (!is_inside(root_, resolved))
        return refuse("link '" + link + "' leads outside the target folder");
    }
    return {};
  }

  const ArchiveSet& set_;
  fs::path root_;
  archive* reader_;
  archive* writer_;
  std::vector<std::string> links_;
  std::uint64_t written_before_entry_ = 0;
};

}  // namespace

Result<void> LibarchiveUnpacker::unpack(const ArchiveSet& set, const fs::path& target,
                                        const UnpackProgressFn& progress, std::stop_token stop) {
  return with_entry_names([&] { return unpack_set(set, target, progress, stop); });
}

Result<void> LibarchiveUnpacker::unpack_set(const ArchiveSet& set, const fs::path& target,
                                            const UnpackProgressFn& progress,
                                            const std::stop_token& stop) {
  std::error_code ec;
  // Entries are written by absolute path (changing the working directory
  // would affect every thread), so the prefix must hold no symlink for
  // ARCHIVE_EXTRACT_SECURE_SYMLINKS to accept it.
  const auto root = fs::canonical(target, ec);
  if (ec)
    return Error{"cannot use unpack target " + utf8_of(target) + ": " + ec.message()};
  auto opened = open_set(set);
  if (!opened)
    return opened.error();

  WriteArchive writer(archive_write_disk_new());
  // NOABSOLUTEPATHS cannot be set: the rewritten names are absolute on
  // purpose. check_entry_name refuses absolute names before the rewrite.
  archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_TIME |
                                                   ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                   ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  Extraction extraction(set, root, opened->get(), writer.get());
  auto unpacked = extraction.run(progress, stop);
  if (!unpacked)
    spdlog::warn("unpack {} into {}: {}", set.name, utf8_of(root), unpacked.error().message);
  return unpacked;
}

Result<void> LibarchiveUnpacker::list(const ArchiveSet& set, const ArchiveEntryFn& on_entry,
                                      std::stop_token stop) {
  return with_entry_names([&] { return list_set(set, on_entry, stop); });
}

Result<void> LibarchiveUnpacker::list_set(const ArchiveSet& set, const ArchiveEntryFn& on_entry,
                                          const std::stop_token& stop) {
  auto opened = open_set(set);
  if (!opened)
    return opened.error();
  archive* reader = opened->get();
  archive_entry* entry = nullptr;
  for (;;) {
    if (stop.stop_requested())
      return Error::cancelled();
    const int status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_EOF)
      return {};
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
      return Error{read_failure(reader, set)};
    if (archive_entry_is_encrypted(entry) != 0)
      return Error{"encrypted archive " + set.name};
    if (on_entry) {
      on_entry(
          {.path = entry_pathname(entry).value_or(""),
           .size = static_cast<std::uint64_t>(archive_entry_size(entry)),
           .regular_file = archive_entry_filetype(entry) == AE_IFREG && !entry_hardlink(entry)});
    }
    if (archive_read_data_skip(reader) != ARCHIVE_OK)
      return Error{read_failure(reader, set)};
  }
}

std::string libarchive_version() {
  return archive_version_string();
}

}  // namespace lanspread::peer::install
