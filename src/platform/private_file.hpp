#pragma once

#include <filesystem>
#include <string_view>
#include <system_error>

#include "base/result.hpp"

namespace lanspread::platform {

// Writes `contents` to a new `file` only its owner may read, replacing any
// file of that name. POSIX: created with mode 0600 and O_EXCL after the old
// one is removed, so the mode is the one it gets; Windows: likewise created
// anew, with the access list its folder passes on (the state folder, in the
// user's profile).
Result<void, std::error_code> write_private_file(const std::filesystem::path& file,
                                                 std::string_view contents);

// Whether users other than the owner may read `file` (POSIX: any group or
// other permission bit). Windows: false, access lists are not examined; the
// state folder lies in the user's profile, which only they can read.
bool others_may_read(const std::filesystem::path& file);

}  // namespace lanspread::platform
