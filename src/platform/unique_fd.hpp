#pragma once

#include <utility>

namespace lanspread::platform {

// Owns one open file descriptor and closes it when it goes, on every path out
// of the code that opened it. Move-only; empty (-1) after a move, a release
// or a failed open, so `UniqueFd fd(::open(...)); if (!fd) ...` reads as it
// should.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

  // Closes what it owns, if anything, and owns `fd` instead.
  void reset(int fd = -1) noexcept;
  // Hands the descriptor over without closing it.
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

}  // namespace lanspread::platform
