#include "peer/install/game_lock.hpp"

#include "peer/install/install_intent.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;

fs::path operation_lock_path(const fs::path& state_dir, std::string_view game_id) {
  return game_state_dir(state_dir, game_id) / "operation.lock";
}

Result<GameLock> lock_game(const fs::path& state_dir, std::string_view game_id) {
  auto attempt = GameLock::try_acquire(operation_lock_path(state_dir, game_id));
  if (!attempt)
    return attempt.error();
  if (!*attempt)
    return Error{"another Lanspread process is downloading, installing or removing " +
                 std::string(game_id) + " right now; try again when it is done"};
  return std::move(**attempt);
}

}  // namespace lanspread::peer::install
