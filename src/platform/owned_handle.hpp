#pragma once

// The owner of one open file or directory in this system's terms: a file
// descriptor on POSIX, a HANDLE on Windows. The platform types that keep a
// file open hold one.
#ifdef _WIN32
#include "platform/win/unique_handle.hpp"
#else
#include "platform/unique_fd.hpp"
#endif

namespace lanspread::platform {

#ifdef _WIN32
using OwnedHandle = win::UniqueHandle;
#else
using OwnedHandle = UniqueFd;
#endif

}  // namespace lanspread::platform
