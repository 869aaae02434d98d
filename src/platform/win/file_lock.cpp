#include "platform/file_lock.hpp"

#include <windows.h>

#include <string>

#include "platform/win/win_text.hpp"

namespace lanspread::platform {

// LockFileEx over the whole file: byte-range locks belong to the handle, so a
// second handle conflicts even in the same process (as a second flock open
// does), and Windows drops them when the handle closes or the process ends.
Result<std::optional<FileLock>> FileLock::try_acquire(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return Error{"cannot create " + utf8_of(file.parent_path()) + ": " + ec.message()};
  OwnedHandle handle(::CreateFileW(file.c_str(), GENERIC_READ | GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                   OPEN_ALWAYS,
                                   FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (!handle)
    return Error{win::failure("cannot open", file, ::GetLastError())};
  OVERLAPPED whole_file{};
  if (!::LockFileEx(handle.get(), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD,
                    MAXDWORD, &whole_file)) {
    const DWORD error = ::GetLastError();
    if (error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING)
      return std::optional<FileLock>();
    return Error{win::failure("cannot lock", file, error)};
  }
  return std::optional(FileLock(std::move(handle)));
}

}  // namespace lanspread::platform
