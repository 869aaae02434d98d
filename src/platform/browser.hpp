#pragma once

#include <filesystem>
#include <system_error>

#include "base/result.hpp"

namespace lanspread::platform {

// Opens `page` (a local HTML file) in the user's browser and returns without
// waiting for it. Linux: xdg-open, reaped whenever it ends; Windows:
// ShellExecuteW "open", i.e. the program .html files are associated with.
Result<void, std::error_code> open_in_browser(const std::filesystem::path& page);

}  // namespace lanspread::platform
