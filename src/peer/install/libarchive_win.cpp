#include <archive.h>
#include <archive_entry.h>

#include "base/utf8_path.hpp"
#include "peer/install/libarchive_system.hpp"

namespace lanspread::peer::install {
namespace {

// UTF-16 from libarchive, UTF-8 for the rest of the program; the char
// functions would go through the ANSI code page (or give nothing at all for
// a name it cannot hold).
std::optional<std::string> text(const wchar_t* wide) {
  if (wide == nullptr)
    return std::nullopt;
  return utf8_of(std::filesystem::path(wide));
}

}  // namespace

Result<void> with_entry_names(const std::function<Result<void>()>& body) {
  return body();
}

void set_reader_options(archive* reader) {
  archive_read_set_format_option(reader, "rar", "hdrcharset", "UTF-8");
}

int open_volumes(archive* reader, const std::vector<std::filesystem::path>& volumes,
                 std::size_t block_size) {
  if (volumes.size() == 1)
    return archive_read_open_filename_w(reader, volumes.front().c_str(), block_size);
  std::vector<std::string> ansi;
  ansi.reserve(volumes.size());
  for (const auto& volume : volumes)
    ansi.push_back(volume.string());
  std::vector<const char*> names;
  names.reserve(ansi.size() + 1);
  for (const auto& name : ansi)
    names.push_back(name.c_str());
  names.push_back(nullptr);
  return archive_read_open_filenames(reader, names.data(), block_size);
}

std::optional<std::string> entry_pathname(archive_entry* entry) {
  return text(archive_entry_pathname_w(entry));
}

std::optional<std::string> entry_symlink(archive_entry* entry) {
  return text(archive_entry_symlink_w(entry));
}

std::optional<std::string> entry_hardlink(archive_entry* entry) {
  return text(archive_entry_hardlink_w(entry));
}

void set_entry_pathname(archive_entry* entry, const std::filesystem::path& path) {
  archive_entry_copy_pathname_w(entry, path.c_str());
}

void set_entry_hardlink(archive_entry* entry, const std::filesystem::path& path) {
  archive_entry_copy_hardlink_w(entry, path.c_str());
}

bool writes_symlinks() {
  return false;
}

}  // namespace lanspread::peer::install
