#include "platform/private_file.hpp"

#include <windows.h>

#include "platform/win/unique_handle.hpp"

namespace lanspread::platform {
namespace {

std::error_code last_error() {
  return {static_cast<int>(::GetLastError()), std::system_category()};
}

}  // namespace

Result<void, std::error_code> write_private_file(const std::filesystem::path& file,
                                                 std::string_view contents) {
  // A fresh file, so it gets its folder's access list, not the old file's.
  ::DeleteFileW(file.c_str());
  const win::UniqueHandle handle(::CreateFileW(file.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                               FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!handle)
    return last_error();
  DWORD written = 0;
  if (::WriteFile(handle.get(), contents.data(), static_cast<DWORD>(contents.size()), &written,
                  nullptr) == 0)
    return last_error();
  if (written != contents.size())
    return std::make_error_code(std::errc::no_space_on_device);
  return {};
}

bool others_may_read(const std::filesystem::path&) {
  return false;
}

}  // namespace lanspread::platform
