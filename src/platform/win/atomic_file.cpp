#include "platform/atomic_file.hpp"

#include <windows.h>

#include <limits>
#include <utility>

#include "platform/win/unique_handle.hpp"
#include "platform/win/win_text.hpp"

namespace lanspread::platform {

// NTFS's counterpart of temporary + fsync + rename + directory fsync: the
// temporary is flushed with FlushFileBuffers, and MoveFileEx with
// MOVEFILE_WRITE_THROUGH returns only once the rename itself is on disk.
Result<void> write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return Error{"cannot create " + utf8_of(dir) + ": " + ec.message()};

  auto temp = file;
  temp += ".tmp";
  {
    const win::UniqueHandle out(::CreateFileW(temp.c_str(), GENERIC_WRITE, 0, nullptr,
                                              CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!out)
      return Error{win::failure("cannot create", temp, ::GetLastError())};
    const char* data = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
      const auto chunk =
          static_cast<DWORD>(std::min<std::size_t>(left, std::numeric_limits<DWORD>::max()));
      DWORD written = 0;
      if (!::WriteFile(out.get(), data, chunk, &written, nullptr) || written == 0) {
        auto reason = win::failure("cannot write", temp, ::GetLastError());
        ::DeleteFileW(temp.c_str());
        return Error{std::move(reason)};
      }
      data += written;
      left -= written;
    }
    if (!::FlushFileBuffers(out.get())) {
      auto reason = win::failure("cannot sync", temp, ::GetLastError());
      ::DeleteFileW(temp.c_str());
      return Error{std::move(reason)};
    }
  }
  if (!::MoveFileExW(temp.c_str(), file.c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    auto reason = win::failure("cannot rename onto", file, ::GetLastError());
    ::DeleteFileW(temp.c_str());
    return Error{std::move(reason)};
  }
  return {};
}

// Windows has no fsync for a directory's entries; flushing a handle to the
// directory asks the file system for its metadata. Best effort, like the
// POSIX version: a directory that cannot be opened is skipped.
void sync_directory(const std::filesystem::path& dir) {
  const win::UniqueHandle directory(
      ::CreateFileW(dir.c_str(), GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                    FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (directory)
    ::FlushFileBuffers(directory.get());
}

}  // namespace lanspread::platform
