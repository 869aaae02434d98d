#include "platform/rename.hpp"

#include <windows.h>

#include <system_error>

#include "base/utf8_path.hpp"

namespace lanspread::platform {

// MOVEFILE_WRITE_THROUGH returns only once the rename is on disk (NTFS's
// counterpart of the folder fsync). Without MOVEFILE_COPY_ALLOWED a rename
// to another volume fails instead of becoming a copy that a crash could cut
// in half.
Result<void> rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    return {};
  const DWORD error = ::GetLastError();
  std::string message = "cannot rename " + utf8_of(from) + " to " + utf8_of(to.filename()) + ": " +
                        std::system_category().message(static_cast<int>(error));
  std::error_code ec;
  if ((error == ERROR_ACCESS_DENIED || error == ERROR_SHARING_VIOLATION) &&
      std::filesystem::is_directory(std::filesystem::symlink_status(from, ec)))
    message +=
        " (Windows does not rename a folder while a program has a file in it open: close the "
        "game, or any window showing the folder, and try again)";
  return Error{std::move(message)};
}

}  // namespace lanspread::platform
