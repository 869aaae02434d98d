#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

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

// The volumes of one set, read in turn through libarchive's callbacks, as
// archive_read_open_filenames reads them, but opened by their UTF-16 names
// (std::ifstream takes a path as such on Windows).
class WideVolumeFiles final : public VolumeFiles {
 public:
  struct Volume {
    WideVolumeFiles* owner;
    std::filesystem::path path;
    std::ifstream stream;
  };

  WideVolumeFiles(const std::vector<std::filesystem::path>& paths, std::size_t block_size)
      : buffer_(block_size) {
    for (const auto& path : paths)
      volumes_.push_back(std::make_unique<Volume>(Volume{.owner = this, .path = path}));
  }

  int open(archive* reader) {
    for (const auto& volume : volumes_)
      archive_read_append_callback_data(reader, volume.get());
    archive_read_set_open_callback(reader, &WideVolumeFiles::open_volume);
    archive_read_set_read_callback(reader, &WideVolumeFiles::read);
    archive_read_set_seek_callback(reader, &WideVolumeFiles::seek);
    archive_read_set_close_callback(reader, &WideVolumeFiles::close);
    archive_read_set_switch_callback(reader, &WideVolumeFiles::switch_volume);
    return archive_read_open1(reader);
  }

 private:
  static int open_volume(archive* reader, void* data) {
    auto& volume = *static_cast<Volume*>(data);
    volume.stream.open(volume.path, std::ios::binary);
    if (volume.stream.is_open())
      return ARCHIVE_OK;
    archive_set_error(reader, ENOENT, "cannot open %s", utf8_of(volume.path).c_str());
    return ARCHIVE_FATAL;
  }

  static la_ssize_t read(archive* reader, void* data, const void** block) {
    auto& volume = *static_cast<Volume*>(data);
    auto& buffer = volume.owner->buffer_;
    volume.stream.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (volume.stream.bad()) {
      archive_set_error(reader, EIO, "cannot read %s", utf8_of(volume.path).c_str());
      return -1;
    }
    *block = buffer.data();
    return static_cast<la_ssize_t>(volume.stream.gcount());
  }

  static la_int64_t seek(archive* reader, void* data, la_int64_t offset, int whence) {
    auto& volume = *static_cast<Volume*>(data);
    volume.stream.clear();  // a read to the end left eofbit and failbit set
    const auto direction = whence == SEEK_SET   ? std::ios::beg
                           : whence == SEEK_CUR ? std::ios::cur
                                                : std::ios::end;
    volume.stream.seekg(offset, direction);
    const auto position = static_cast<la_int64_t>(volume.stream.tellg());
    if (!volume.stream || position < 0) {
      archive_set_error(reader, EIO, "cannot seek in %s", utf8_of(volume.path).c_str());
      return ARCHIVE_FATAL;
    }
    return position;
  }

  static int close(archive* /*reader*/, void* data) {
    auto& volume = *static_cast<Volume*>(data);
    volume.stream.close();
    volume.stream.clear();
    return ARCHIVE_OK;
  }

  static int switch_volume(archive* reader, void* from, void* to) {
    if (from != nullptr)
      close(reader, from);
    return to != nullptr ? open_volume(reader, to) : ARCHIVE_OK;
  }

  std::vector<std::unique_ptr<Volume>> volumes_;
  std::vector<char> buffer_;
};

}  // namespace

int open_volumes(archive* reader, const std::vector<std::filesystem::path>& volumes,
                 std::size_t block_size, std::unique_ptr<VolumeFiles>& files) {
  auto wide = std::make_unique<WideVolumeFiles>(volumes, block_size);
  const int status = wide->open(reader);
  files = std::move(wide);
  return status;
}

Result<void> with_entry_names(const std::function<Result<void>()>& body) {
  return body();
}

void set_reader_options(archive* reader) {
  archive_read_set_format_option(reader, "rar", "hdrcharset", "UTF-8");
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
