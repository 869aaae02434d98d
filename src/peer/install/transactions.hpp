#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string_view>

#include "base/result.hpp"
#include "peer/install/steps.hpp"
#include "peer/install/unpacker.hpp"

namespace lanspread::peer {
class Catalog;
}

namespace lanspread::peer::install {

// What every transaction needs. The runtime keeps one and replaces it when
// the game folder changes.
struct TransactionEnv {
  std::filesystem::path game_dir;
  std::filesystem::path state_dir;  // intents live in <state_dir>/games/<id>/
  Unpacker& unpacker;
  StepHook on_step;  // crash tests only; empty in production
};

struct InstallProgress {
  std::uint64_t done = 0;   // archive bytes read plus loose bytes copied
  std::uint64_t total = 0;  // InstallPlan::total_size()
};
using InstallProgressFn = std::function<void(const InstallProgress&)>;

// Installs a downloaded game into local/; when local/ already exists this is
// an update: the old local/ is kept as .local.backup/ until the new one is in
// place and comes back if anything fails or `stop` is requested. Blocking;
// run it off the I/O thread. Refused when the game is not downloaded, or when
// a reserved folder is in the way (left by a user, or by an interrupted
// transaction that startup recovery has not handled).
Result<void> install_game(const TransactionEnv& env, std::string_view game_id,
                          const InstallProgressFn& progress, std::stop_token stop);

// Removes local/ and keeps the downloaded payload.
Result<void> uninstall_game(const TransactionEnv& env, std::string_view game_id);

// Deletes the whole game root. Only for catalog ids (which are always direct
// children of the game folder), refused while the game is installed, while
// `operation_in_flight`, while an intent awaits recovery, and unless a regular
// root-level version.ini proves this is a downloaded game root.
Result<void> remove_downloaded_game(const TransactionEnv& env, const Catalog& catalog,
                                    std::string_view game_id, bool operation_in_flight);

}  // namespace lanspread::peer::install
