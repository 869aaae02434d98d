#include "platform/flush_tree.hpp"

#include <windows.h>

#include "platform/win/unique_handle.hpp"
#include "platform/win/win_text.hpp"

namespace lanspread::platform {
namespace {

// FlushFileBuffers needs a handle with write access; a folder is opened as
// one (FILE_FLAG_BACKUP_SEMANTICS), never through a reparse point. NTFS
// journals a folder's entries with the files' own metadata, so a folder
// that will not flush is skipped, as sync_directory skips it.
Result<void> flush(const std::filesystem::path& path, bool is_dir) {
  const DWORD flags = FILE_FLAG_OPEN_REPARSE_POINT | (is_dir ? FILE_FLAG_BACKUP_SEMANTICS : 0);
  const win::UniqueHandle handle(
      ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                    flags, nullptr));
  if (!handle && is_dir)
    return {};
  if (!handle)
    return Error{win::failure("cannot open", path, ::GetLastError())};
  if (!::FlushFileBuffers(handle.get()) && !is_dir)
    return Error{win::failure("cannot write to the disk", path, ::GetLastError())};
  return {};
}

}  // namespace

Result<void> flush_tree(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(dir, ec);
  if (ec)
    return Error{"cannot open " + utf8_of(dir) + ": " + ec.message()};
  for (const std::filesystem::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec)
      return Error{"cannot list " + utf8_of(dir) + ": " + ec.message()};
    const auto status = it->symlink_status(ec);
    if (ec)
      return Error{"cannot examine " + utf8_of(it->path()) + ": " + ec.message()};
    if (std::filesystem::is_regular_file(status) || std::filesystem::is_directory(status)) {
      if (auto flushed = flush(it->path(), std::filesystem::is_directory(status)); !flushed)
        return flushed;
    }
  }
  if (ec)
    return Error{"cannot list " + utf8_of(dir) + ": " + ec.message()};
  return flush(dir, true);
}

}  // namespace lanspread::platform
