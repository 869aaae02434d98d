#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lanspread::peer {

// Keeps every other holder, in this process or another, off one game while it
// is downloaded, installed, updated, uninstalled, removed or recovered: a
// `lanspread install` in a terminal next to the running app must neither
// remove what the app is downloading nor "recover" a transaction the app is
// still running. An flock(2) on a file in the state directory: the kernel
// drops it when its holder exits, even by SIGKILL, so a crash never leaves a
// game locked.
class GameLock {
 public:
  struct Attempt;
  // Creates the file (and its folders) if needed.
  static Attempt try_acquire(const std::filesystem::path& file);

  GameLock(GameLock&& other) noexcept;
  GameLock& operator=(GameLock&& other) noexcept;
  GameLock(const GameLock&) = delete;
  GameLock& operator=(const GameLock&) = delete;
  ~GameLock();

 private:
  explicit GameLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct GameLock::Attempt {
  std::optional<GameLock> lock;
  bool busy = false;  // another holder has it; otherwise `error` says what failed
  std::string error;
};

}  // namespace lanspread::peer
