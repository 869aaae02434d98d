#pragma once

#include <cstdint>
#include <utility>

namespace lanspread::platform::win {

// Owns one Windows HANDLE (a file or a directory) and closes it when it goes:
// UniqueFd's counterpart. Empty (INVALID_HANDLE_VALUE) after a move or a
// failed open, so `UniqueHandle h(CreateFileW(...)); if (!h) ...` reads as it
// should. A HANDLE is a void*; this header spells it so, without <windows.h>,
// because the platform headers that hold one are included all over the code.
class UniqueHandle {
 public:
  using Handle = void*;

  UniqueHandle() = default;
  explicit UniqueHandle(Handle handle) noexcept : handle_(handle) {}
  UniqueHandle(UniqueHandle&& other) noexcept : handle_(std::exchange(other.handle_, invalid())) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    reset(std::exchange(other.handle_, invalid()));
    return *this;
  }
  ~UniqueHandle() { reset(); }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;

  Handle get() const noexcept { return handle_; }
  explicit operator bool() const noexcept { return handle_ != invalid() && handle_ != nullptr; }

  // Closes what it owns, if anything, and owns `handle` instead.
  void reset(Handle handle = invalid()) noexcept;

 private:
  // INVALID_HANDLE_VALUE.
  static Handle invalid() noexcept { return reinterpret_cast<Handle>(~std::uintptr_t{0}); }

  Handle handle_ = invalid();
};

}  // namespace lanspread::platform::win
