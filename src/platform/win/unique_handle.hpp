#pragma once

#include <windows.h>

#include <utility>

namespace lanspread::platform::win {

// Owns one Windows HANDLE (a file or a directory) and closes it when it goes:
// UniqueFd's counterpart. Empty (INVALID_HANDLE_VALUE) after a move or a
// failed open, so `UniqueHandle h(CreateFileW(...)); if (!h) ...` reads as it
// should.
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE handle) noexcept : handle_(handle) {}
  UniqueHandle(UniqueHandle&& other) noexcept
      : handle_(std::exchange(other.handle_, INVALID_HANDLE_VALUE)) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    reset(std::exchange(other.handle_, INVALID_HANDLE_VALUE));
    return *this;
  }
  ~UniqueHandle() { reset(); }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;

  HANDLE get() const noexcept { return handle_; }
  explicit operator bool() const noexcept {
    return handle_ != INVALID_HANDLE_VALUE && handle_ != nullptr;
  }

  void reset(HANDLE handle = INVALID_HANDLE_VALUE) noexcept {
    if (*this && handle_ != handle)
      ::CloseHandle(handle_);
    handle_ = handle;
  }

 private:
  HANDLE handle_ = INVALID_HANDLE_VALUE;
};

}  // namespace lanspread::platform::win
