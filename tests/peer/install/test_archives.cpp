#include "test_archives.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/sysmacros.h>

#include <random>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace lanspread::test {
namespace fs = std::filesystem;

void write_archive(const fs::path& file, const std::vector<TestEntry>& entries, TestFormat format) {
  archive* a = archive_write_new();
  if (format == TestFormat::Zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (format == TestFormat::TarGz)
      archive_write_add_filter_gzip(a);
    if (format == TestFormat::TarXz)
      archive_write_add_filter_xz(a);
  }
  if (archive_write_open_filename(a, file.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("cannot create " + file.string());
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
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
        archive_entry_set_symlink(entry, e.link.c_str());
        break;
      case TestEntry::Type::Hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.link.c_str());
        break;
      case TestEntry::Type::CharDevice:
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdev(entry, makedev(1, 3));
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
    const auto relative = fs::relative(it->path(), dir).generic_string();
    if (it->is_symlink())
      tree[relative] = "link:" + fs::read_symlink(it->path()).string();
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
