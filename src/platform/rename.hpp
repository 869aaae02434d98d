#pragma once

#include <filesystem>

#include "base/result.hpp"

namespace lanspread::platform {

// Renames a file or a folder within one volume and makes the rename survive
// a power cut before returning, so the next step of a transaction can build
// on it. A file replaces an existing file of that name atomically; a folder
// is never renamed onto an existing one (POSIX would replace an empty
// folder, Windows refuses every time) and never copied across volumes.
//
// On Windows a folder with a file open inside (a running game, an Explorer
// window, an antivirus scan) cannot be renamed: the call fails, and says
// so, rather than waiting for the file to close.
Result<void> rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace lanspread::platform
