#pragma once

#include <filesystem>

#include "base/result.hpp"

namespace lanspread::platform {

// Makes everything written under `dir` so far (file contents, and the
// entries of its folders) survive a power cut, before a commit point is
// written. Cheaper than flushing file by file as they are written: Linux
// flushes the whole file system in one syncfs; Windows has no such call for
// an unprivileged process, so every file and folder under `dir` is flushed
// with FlushFileBuffers.
Result<void> flush_tree(const std::filesystem::path& dir);

}  // namespace lanspread::platform
