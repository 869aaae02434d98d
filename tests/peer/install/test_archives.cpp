#include "test_archives.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <random>
#include <stdexcept>

#include "peer/install/relative_name.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::test {
namespace fs = std::filesystem;

void write_archive(const fs::path& file, const std::vector<TestEntry>& entries, TestFormat format) {
  archive* a = archive_write_new();
  if (format == TestFormat::Zip) {
    archive_write_set_format_zip(a);
#ifdef _WIN32
    // Names in UTF-8, flagged as such; the writer would otherwise ask for
    // them in the ANSI code page, and get nothing for most non-ASCII names.
    archive_write_set_options(a, "hdrcharset=UTF-8");
#endif
  } else {
    archive_write_set_format_pax_restricted(a);
    if (format == TestFormat::TarGz)
      archive_write_add_filter_gzip(a);
    if (format == TestFormat::TarXz)
      archive_write_add_filter_xz(a);
  }
#ifdef _WIN32
  // libarchive's char file names go through the ANSI code page on Windows.
  const int opened = archive_write_open_filename_w(a, file.c_str());
#else
  const int opened = archive_write_open_filename(a, file.c_str());
#endif
  if (opened != ARCHIVE_OK)
    throw std::runtime_error("cannot create " + utf8_of(file));
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
#ifdef _WIN32
    archive_entry_copy_pathname_w(entry, path_from_utf8(e.path).c_str());
#else
    archive_entry_set_pathname_utf8(entry, e.path.c_str());
#endif
    archive_entry_set_perm(entry, 0644);
    switch (e.type) {
      case TestEntry::Type::File:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
        break;
      case TestEntry::Type::Dir:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case TestEntry::Type::Symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink_utf8(entry, e.link.c_str());
        break;
      case TestEntry::Type::Hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink_utf8(entry, e.link.c_str());
        break;
      case TestEntry::Type::CharDevice:
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdevmajor(entry, 1);
        archive_entry_set_rdevminor(entry, 3);
        break;
      case TestEntry::Type::Fifo:
        archive_entry_set_filetype(entry, AE_IFIFO);
        break;
    }
    if (archive_write_header(a, entry) != ARCHIVE_OK)
      throw std::runtime_error(std::string("cannot write header: ") + archive_error_string(a));
    if (e.type == TestEntry::Type::File && !e.data.empty())
      archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> tree;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::end(it); ++it) {
    const auto relative = peer::install::relative_name(fs::relative(it->path(), dir));
    if (it->is_symlink())
      tree[relative] = "link:" + utf8_of(fs::read_symlink(it->path()));
    else if (it->is_directory())
      tree[relative] = "dir";
    else
      tree[relative] = "file:" + read_file(it->path());
  }
  return tree;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes)
    byte = static_cast<char>(generator() & 0xff);
  return bytes;
}

}  // namespace lanspread::test
