#include "platform/browser.hpp"

#include <windows.h>
// After windows.h, which it needs.
#include <shellapi.h>

namespace lanspread::platform {
Result<void, std::error_code> open_in_browser(const std::filesystem::path& page) {
  ::SetLastError(ERROR_SUCCESS);
  const auto result = reinterpret_cast<INT_PTR>(
      ::ShellExecuteW(nullptr, L"open", page.c_str(), nullptr, nullptr, SW_SHOWNORMAL));
  if (result > 32)
    return {};
  // ShellExecuteW's own codes (no association, ...) leave the last error set.
  if (::GetLastError() == ERROR_SUCCESS)
    return std::error_code(ERROR_NO_ASSOCIATION, std::system_category());
  return std::error_code(static_cast<int>(::GetLastError()), std::system_category());
}

}  // namespace lanspread::platform
