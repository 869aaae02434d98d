#include "peer/install/game_lock.hpp"

#include "peer/install/install_intent.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;

fs::path operation_lock_path(const fs::path& state_dir, std::string_view game_id) {
  return game_state_dir(state_dir, game_id) / "operation.lock";
}

LockedGame lock_game(const fs::path& state_dir, std::string_view game_id) {
  auto attempt = GameLock::try_acquire(operation_lock_path(state_dir, game_id));
  if (attempt.busy)
    return {.error = "another Lanspread process is downloading, installing or removing " +
                     std::string(game_id) + " right now; try again when it is done"};
  return {.lock = std::move(attempt.lock), .error = std::move(attempt.error)};
}

}  // namespace lanspread::peer::install
