#pragma once

#include <filesystem>

#include "base/result.hpp"

namespace lanspread::platform {

// Makes `dir` reachable by the current user alone, before anything secret is
// written into it: mode 0700 on POSIX; on Windows an access list that grants
// the current user full control, is not inherited from the parent folder,
// and is inherited by what is created in `dir` afterwards.
Result<void> restrict_to_owner(const std::filesystem::path& dir);

}  // namespace lanspread::platform
