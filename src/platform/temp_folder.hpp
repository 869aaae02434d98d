#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

#include "base/result.hpp"

namespace lanspread::platform {

// Creates a new folder `<parent>/<prefix><random>` only this user may enter
// and returns its path. POSIX: mkdtemp (mode 0700); Windows: a random name
// created with CreateDirectoryW, retried while the name is taken, with the
// access list of `parent` (the user's own %TEMP%).
Result<std::filesystem::path, std::error_code> create_temp_folder(
    const std::filesystem::path& parent, std::string_view prefix);

}  // namespace lanspread::platform
