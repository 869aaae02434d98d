#include "platform/user_folders.hpp"

#include <windows.h>

#include "base/utf8_path.hpp"

namespace lanspread::platform {
namespace fs = std::filesystem;
namespace {

std::optional<fs::path> absolute_folder(const Environment& environment, const char* variable) {
  const auto value = environment(variable);
  if (!value)
    return std::nullopt;
  auto folder = path_from_utf8(*value);
  if (!folder.is_absolute())
    return std::nullopt;
  return folder;
}

}  // namespace

std::optional<std::string> environment_variable(const char* name) {
  const std::wstring wide_name = path_from_utf8(name).native();
  std::wstring value(64, L'\0');
  for (;;) {
    ::SetLastError(ERROR_SUCCESS);  // an empty variable also answers 0
    const DWORD length = ::GetEnvironmentVariableW(wide_name.c_str(), value.data(),
                                                   static_cast<DWORD>(value.size()));
    if (length == 0 && ::GetLastError() == ERROR_ENVVAR_NOT_FOUND)
      return std::nullopt;
    if (length < value.size()) {
      value.resize(length);
      // A native (wide) path converts to UTF-8 exactly.
      return utf8_of(fs::path(value));
    }
    value.resize(length);  // the size it needs, with its terminator
  }
}

UserFolders user_folders(const Environment& environment) {
  const auto home = absolute_folder(environment, "USERPROFILE");
  const fs::path base = home.value_or(".");
  const auto local_app_data =
      absolute_folder(environment, "LOCALAPPDATA").value_or(base / "AppData" / "Local");
  return {.home = home, .state = local_app_data / "Lanspread", .games = base / "Lanspread Games"};
}

}  // namespace lanspread::platform
