#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peer/install/install_intent.hpp"
#include "peer/install/steps.hpp"

namespace lanspread::peer::install {

struct RecoveryAction {
  enum class Outcome {
    Completed,   // the interrupted transaction's result is in place
    RolledBack,  // the state from before the transaction is back
    CleanedUp,   // leftovers without an intent were removed or restored
    Failed,      // could not settle; the intent is kept for the next start
  };

  std::string game_id;
  std::optional<Operation> operation;  // empty when no intent was recorded
  Outcome outcome = Outcome::Completed;
  std::string description;  // what was found and done, in words
};

std::string_view to_string(RecoveryAction::Outcome outcome);

// Startup recovery: settles every transaction whose intent is in
// <state_dir>/games/, and cleans reserved leftovers in the roots of
// `game_dir` (only what a marker or the ".lanspread" prefix proves is
// Lanspread's). Run it after the legacy migration, before the first scan.
// Returns one action per game it touched, for the runtime to report.
std::vector<RecoveryAction> recover_interrupted_transactions(
    const std::filesystem::path& game_dir, const std::filesystem::path& state_dir);

// Settles one root. `intent` is what was recorded (if anything); the disk
// decides the rest. Clears the intent unless it fails. Transactions call it to
// roll back after a failure.
RecoveryAction recover_game_root(const std::filesystem::path& root, std::string_view game_id,
                                 const std::filesystem::path& state_dir,
                                 const std::optional<InstallIntent>& intent,
                                 const StepHook& on_step);

}  // namespace lanspread::peer::install
