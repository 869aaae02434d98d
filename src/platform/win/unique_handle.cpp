#include "platform/win/unique_handle.hpp"

#include <windows.h>

namespace lanspread::platform::win {

static_assert(sizeof(HANDLE) == sizeof(UniqueHandle::Handle));

void UniqueHandle::reset(Handle handle) noexcept {
  if (*this && handle_ != handle)
    ::CloseHandle(handle_);
  handle_ = handle;
}

}  // namespace lanspread::platform::win
