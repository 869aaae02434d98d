#include "app/demo_game.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "base/utf8_path.hpp"

namespace lanspread::app {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kReadme =
    "This is not OpenTTD: it is a placeholder Lanspread put into a new game\n"
    "folder so the library has something to show. Install and uninstall it\n"
    "to see how Lanspread works, or remove it. Real games come from the\n"
    "other peers on your network.\n";

la_ssize_t write_to_stream(archive* /*unused*/, void* stream, const void* data, size_t size) {
  auto& out = *static_cast<std::ofstream*>(stream);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  return out ? static_cast<la_ssize_t>(size) : -1;
}

Result<void> write_zip(const fs::path& zip, std::string_view entry_name,
                       std::string_view contents) {
  // Opened here rather than by libarchive, whose narrow file names are in the
  // ANSI code page on Windows.
  std::ofstream out(zip, std::ios::binary);
  const std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(),
                                                                       archive_write_free);
  if (!out || !writer || archive_write_set_format_zip(writer.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(writer.get(), 1) != ARCHIVE_OK ||
      archive_write_open(writer.get(), &out, nullptr, write_to_stream, nullptr) != ARCHIVE_OK) {
    return Error{"cannot create " + utf8_of(zip)};
  }
  const std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                            archive_entry_free);
  archive_entry_set_pathname(entry.get(), std::string(entry_name).c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(contents.size()));
  if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
      archive_write_data(writer.get(), contents.data(), contents.size()) !=
          static_cast<la_ssize_t>(contents.size()) ||
      archive_write_close(writer.get()) != ARCHIVE_OK) {
    return Error{"cannot write " + utf8_of(zip) + ": " + archive_error_string(writer.get())};
  }
  if (!out.flush())
    return Error{"cannot write " + utf8_of(zip)};
  return {};
}

}  // namespace

Result<void> create_game_dir_with_demo(const fs::path& game_dir) {
  std::error_code ec;
  if (fs::exists(game_dir, ec))
    return {};
  const auto root = game_dir / kDemoGameId;
  fs::create_directories(root, ec);
  if (ec)
    return Error{"cannot create " + utf8_of(root) + ": " + ec.message()};
  if (auto written =
          write_zip(root / "openttd-lanspread-demo.zip", "README-lanspread-demo.txt", kReadme);
      !written)
    return written;
  // The sentinel last: a game counts as downloaded once version.ini exists.
  // Binary: the same bytes on every system (text mode writes \r\n on Windows).
  std::ofstream(root / "version.ini", std::ios::binary) << "demo-1\n";
  return {};
}

}  // namespace lanspread::app
