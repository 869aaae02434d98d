#pragma once

#include <string_view>

namespace lanspread::cli {

// The project's version (CMake's project(VERSION)), e.g. "0.1.0".
std::string_view program_version();

// The git commit the program was built from (12 hex digits, "-dirty" when
// tracked files differed from it), or "unknown" when built outside a git
// checkout without -DLANSPREAD_COMMIT.
std::string_view source_commit();

}  // namespace lanspread::cli
