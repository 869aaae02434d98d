#pragma once

#include <string>
#include <string_view>

namespace lanspread::platform {

// `text` in upper case by the system's Unicode tables (simple, one code point
// for one): how NTFS and FAT tell names apart, which they compare upper-cased.
// Linux: towupper in the C.UTF-8 locale; Windows: LCMapStringEx with the
// invariant locale, the table the file systems copy.
std::u32string upper_case(std::u32string_view text);

}  // namespace lanspread::platform
