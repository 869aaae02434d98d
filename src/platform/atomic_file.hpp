#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.hpp"

namespace lanspread::platform {

// Replaces `file` with `contents` so that a crash at any moment leaves either
// the old or the new contents: write a temporary beside it, fsync, rename,
// fsync the directory. On failure the old file is intact.
Result<void> write_file_atomically(const std::filesystem::path& file, std::string_view contents);

// Makes the entries of `dir` (a creation, rename or removal in it) survive a
// power cut. Best effort: a directory that cannot be opened is skipped.
void sync_directory(const std::filesystem::path& dir);

}  // namespace lanspread::platform
