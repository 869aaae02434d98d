#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace lanspread::platform {

// A variable of the process's environment as UTF-8 (Windows: read wide, as
// the ANSI getenv cannot hold most names); nullopt when unset.
std::optional<std::string> environment_variable(const char* name);

// Looks a variable up in some environment, as environment_variable does in
// the process's.
using Environment = std::function<std::optional<std::string>(const char* name)>;

// Where the user's things go by default (docs/on-disk.md).
struct UserFolders {
  std::optional<std::filesystem::path> home;  // what "~" means; nullopt: unknown
  std::filesystem::path state;                // state and settings
  std::filesystem::path games;                // the default game folder
};

// Linux: home $HOME; state $XDG_STATE_HOME/lanspread (else
// ~/.local/state/lanspread); games $XDG_DATA_HOME/lanspread/games (else
// ~/.local/share/lanspread/games). Windows: home %USERPROFILE%; state
// %LOCALAPPDATA%\Lanspread (else %USERPROFILE%\AppData\Local\Lanspread);
// games %USERPROFILE%\Lanspread Games. A relative value counts as unset; with
// no home at all, the folders fall back under the working directory.
UserFolders user_folders(const Environment& environment = environment_variable);

}  // namespace lanspread::platform
