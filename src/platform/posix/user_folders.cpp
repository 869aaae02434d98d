#include "platform/user_folders.hpp"

#include <cstdlib>

#include "base/utf8_path.hpp"

namespace lanspread::platform {
namespace fs = std::filesystem;
namespace {

std::optional<fs::path> absolute_folder(const Environment& environment, const char* variable) {
  const auto value = environment(variable);
  if (!value || !value->starts_with('/'))
    return std::nullopt;
  return path_from_utf8(*value);
}

}  // namespace

std::optional<std::string> environment_variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr)
    return std::nullopt;
  return std::string(value);
}

UserFolders user_folders(const Environment& environment) {
  const auto home = absolute_folder(environment, "HOME");
  const auto under_home = [&](const char* variable, const char* fallback) {
    return absolute_folder(environment, variable).value_or(home.value_or(".") / fallback);
  };
  return {.home = home,
          .state = under_home("XDG_STATE_HOME", ".local/state") / "lanspread",
          .games = under_home("XDG_DATA_HOME", ".local/share") / "lanspread" / "games"};
}

}  // namespace lanspread::platform
