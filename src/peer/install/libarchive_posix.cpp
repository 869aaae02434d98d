#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include "peer/install/libarchive_system.hpp"

namespace lanspread::peer::install {
namespace {

// A program left in the "C" locale would have libarchive mangle every
// non-ASCII name. Switching only the calling thread (uselocale) leaves the
// rest of the process alone.
class Utf8ThreadLocale {
 public:
  Utf8ThreadLocale() : utf8_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {
    if (utf8_ != nullptr)
      previous_ = ::uselocale(utf8_);
  }
  ~Utf8ThreadLocale() {
    if (utf8_ != nullptr) {
      ::uselocale(previous_);
      ::freelocale(utf8_);
    }
  }
  Utf8ThreadLocale(const Utf8ThreadLocale&) = delete;
  Utf8ThreadLocale& operator=(const Utf8ThreadLocale&) = delete;

 private:
  locale_t utf8_;
  locale_t previous_ = LC_GLOBAL_LOCALE;
};

std::optional<std::string> text(const char* utf8, const char* narrow) {
  const char* chosen = utf8 != nullptr ? utf8 : narrow;
  if (chosen == nullptr)
    return std::nullopt;
  return std::string(chosen);
}

}  // namespace

Result<void> with_entry_names(const std::function<Result<void>()>& body) {
  const Utf8ThreadLocale locale;
  return body();
}

void set_reader_options(archive* /*reader*/) {}

int open_volumes(archive* reader, const std::vector<std::filesystem::path>& volumes,
                 std::size_t block_size, std::unique_ptr<VolumeFiles>& /*files*/) {
  std::vector<const char*> names;
  names.reserve(volumes.size() + 1);
  for (const auto& volume : volumes)
    names.push_back(volume.c_str());
  names.push_back(nullptr);
  return archive_read_open_filenames(reader, names.data(), block_size);
}

std::optional<std::string> entry_pathname(archive_entry* entry) {
  return text(archive_entry_pathname_utf8(entry), archive_entry_pathname(entry));
}

std::optional<std::string> entry_symlink(archive_entry* entry) {
  return text(archive_entry_symlink_utf8(entry), archive_entry_symlink(entry));
}

std::optional<std::string> entry_hardlink(archive_entry* entry) {
  return text(archive_entry_hardlink_utf8(entry), archive_entry_hardlink(entry));
}

void set_entry_pathname(archive_entry* entry, const std::filesystem::path& path) {
  archive_entry_set_pathname_utf8(entry, path.c_str());
}

void set_entry_hardlink(archive_entry* entry, const std::filesystem::path& path) {
  archive_entry_set_hardlink_utf8(entry, path.c_str());
}

bool writes_symlinks() {
  return true;
}

}  // namespace lanspread::peer::install
