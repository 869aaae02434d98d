#pragma once

namespace lanspread::platform {

// Whether this system's file systems follow Windows' naming rules (reserved
// device names, no trailing dot or space, no <>:"|?*, case-insensitive
// names) rather than POSIX's (any byte but '/' and NUL).
#ifdef _WIN32
inline constexpr bool kWindowsFileNames = true;
#else
inline constexpr bool kWindowsFileNames = false;
#endif

}  // namespace lanspread::platform
