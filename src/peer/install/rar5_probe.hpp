#pragma once

#include <filesystem>

namespace lanspread::peer::install {

// Whether a RAR 5 volume has encrypted headers or an encrypted file. Reads
// only block headers and seeks over data. False for anything that is not
// RAR 5 or cannot be read. libarchive 3.6 cannot tell these archives from
// corrupt ones, and users need to know which of the two they have.
bool rar5_has_encryption(const std::filesystem::path& volume);

}  // namespace lanspread::peer::install
