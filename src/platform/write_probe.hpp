#pragma once

#include <filesystem>
#include <system_error>

#include "base/result.hpp"

namespace lanspread::platform {

// Whether a file can be created in `dir`: creates `dir`/`probe_name` and
// removes it again. access(W_OK) says yes to root on a read-only mount, and
// Windows' access lists are not read from attributes; creating a file is the
// only honest test. The OS's error when it cannot.
Result<void, std::error_code> probe_file_creation(const std::filesystem::path& dir,
                                                  const char* probe_name);

}  // namespace lanspread::platform
