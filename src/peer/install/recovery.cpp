#include "peer/install/recovery.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "base/utf8_path.hpp"
#include "peer/catalog/game_id.hpp"
#include "peer/install/game_lock.hpp"
#include "peer/install/installed_files.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/rename.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

// Collects what was done, so the runtime can tell the user in one sentence.
class Notes {
 public:
  void add(std::string note) { notes_.push_back(std::move(note)); }
  void failed(std::string reason) {
    failure_ = true;
    add(std::move(reason));
  }
  bool any() const { return !notes_.empty(); }
  bool failure() const { return failure_; }
  std::string joined() const {
    std::string text;
    for (const auto& note : notes_)
      text += (text.empty() ? "" : "; ") + note;
    return text;
  }

 private:
  std::vector<std::string> notes_;
  bool failure_ = false;
};

void remove_if_owned(const fs::path& dir, bool owned_by_name, const StepHook& on_step,
                     Notes& notes) {
  if (!exists_no_follow(dir))
    return;
  const auto name = utf8_of(dir.filename());
  if (!is_real_directory(dir) || (!owned_by_name && !is_marked_owned(dir))) {
    notes.add("left " + name + " alone (Lanspread did not make it)");
    return;
  }
  if (auto removed = remove_owned_dir(dir, on_step); !removed)
    notes.failed(removed.error().message);
  else
    notes.add("removed the unfinished " + name);
}

bool has_leftovers(const fs::path& root) {
  const fs::path local = root / path_from_utf8(layout::kLocalDir);
  return exists_no_follow(root / path_from_utf8(layout::kInstallingDir)) ||
         exists_no_follow(root / path_from_utf8(layout::kBackupDir)) ||
         exists_no_follow(root / path_from_utf8(kStagingTemp)) ||
         exists_no_follow(root / path_from_utf8(kRemovingDir)) || is_marked_owned(local);
}

// The list of installed files follows local/: the one the transaction built
// when its local/ is in place, none once local/ is gone.
Result<void> settle_installed_files(const fs::path& state_dir, std::string_view game_id,
                                    Operation operation, RecoveryAction::Outcome outcome) {
  if (operation == Operation::Uninstall)
    return outcome == RecoveryAction::Outcome::Completed
               ? forget_installed_files(state_dir, game_id)
               : Result<void>();
  return outcome == RecoveryAction::Outcome::Completed
             ? commit_pending_installed_files(state_dir, game_id)
             : drop_pending_installed_files(state_dir, game_id);
}

// Empty when another holder works on the game: then nothing of it was
// interrupted, and it is left to that holder.
std::optional<GameLock> lock_for_recovery(const fs::path& state_dir, const std::string& game_id) {
  auto locked = lock_game(state_dir, game_id);
  if (!locked) {
    spdlog::info("recovery: {} left alone: {}", game_id, locked.error().message);
    return std::nullopt;
  }
  return std::move(*locked);
}

}  // namespace

std::string_view to_string(RecoveryAction::Outcome outcome) {
  switch (outcome) {
    case RecoveryAction::Outcome::Completed:
      return "completed";
    case RecoveryAction::Outcome::RolledBack:
      return "rolled back";
    case RecoveryAction::Outcome::CleanedUp:
      return "cleaned up";
    case RecoveryAction::Outcome::Failed:
      return "failed";
  }
  return "unknown";
}

RecoveryAction recover_game_root(const fs::path& root, std::string_view game_id,
                                 const fs::path& state_dir,
                                 const std::optional<InstallIntent>& intent,
                                 const StepHook& on_step) {
  const auto operation = intent ? std::optional(intent->operation) : std::nullopt;
  RecoveryAction action{.game_id = std::string(game_id), .operation = operation};
  Notes notes;
  const fs::path local = root / path_from_utf8(layout::kLocalDir);
  const fs::path backup = root / path_from_utf8(layout::kBackupDir);
  bool restored_backup = false;
  bool removed_previous = false;

  if (is_real_directory(root)) {
    // Staging never holds the result: the result is whatever became local/.
    remove_if_owned(root / path_from_utf8(kStagingTemp), true, on_step, notes);
    remove_if_owned(root / path_from_utf8(layout::kInstallingDir), false, on_step, notes);
    // Set aside by uninstall after the point of no return.
    remove_if_owned(root / path_from_utf8(kRemovingDir), true, on_step, notes);

    if (exists_no_follow(backup) && !notes.failure()) {
      const bool marked = is_marked_owned(backup);
      // The update marks local/ before renaming it, so a backup without the
      // marker is ours only when the update intent says so and nothing has
      // taken its place; restoring deletes nothing either way.
      const bool ours_to_restore = marked || operation == Operation::Update;
      if (!is_real_directory(backup)) {
        notes.add("left .local.backup alone (not a folder)");
      } else if (exists_no_follow(local)) {
        if (marked) {
          if (auto removed = remove_owned_dir(backup, on_step); !removed) {
            notes.failed(removed.error().message);
          } else {
            removed_previous = true;
            notes.add("removed the previous install kept in .local.backup");
          }
        } else {
          notes.add("left .local.backup alone (Lanspread did not make it)");
        }
      } else if (ours_to_restore) {
        if (auto renamed = platform::rename_durably(backup, local); !renamed) {
          notes.failed(renamed.error().message);
        } else {
          restored_backup = true;
          notes.add("restored the previous install from .local.backup");
        }
      } else {
        notes.add("left .local.backup alone (Lanspread did not make it)");
      }
    }
    if (!notes.failure() && is_real_directory(local) && is_marked_owned(local)) {
      if (auto unmarked = unmark_owned(local); !unmarked)
        notes.failed(unmarked.error().message);
    }
  } else if (operation) {
    notes.add("the game folder " + utf8_of(root) + " is gone");
  }

  const bool installed = is_real_directory(local);
  if (notes.failure()) {
    action.outcome = RecoveryAction::Outcome::Failed;
  } else if (!operation) {
    action.outcome = RecoveryAction::Outcome::CleanedUp;
  } else {
    switch (*operation) {
      case Operation::Install:
        action.outcome =
            installed ? RecoveryAction::Outcome::Completed : RecoveryAction::Outcome::RolledBack;
        break;
      case Operation::Update: {
        const bool new_version =
            installed && !restored_backup && (intent->new_local_in_place || removed_previous);
        action.outcome =
            new_version ? RecoveryAction::Outcome::Completed : RecoveryAction::Outcome::RolledBack;
        break;
      }
      case Operation::Uninstall:
        action.outcome =
            installed ? RecoveryAction::Outcome::RolledBack : RecoveryAction::Outcome::Completed;
        break;
    }
    notes.add(installed ? "the game is installed" : "the game is not installed");
  }

  if (!notes.failure() && operation) {
    if (auto settled = settle_installed_files(state_dir, game_id, *operation, action.outcome);
        !settled) {
      notes.failed(settled.error().message);
      action.outcome = RecoveryAction::Outcome::Failed;
    }
  }
  if (!notes.failure() && operation) {
    if (auto cleared = clear_intent(state_dir, game_id); !cleared) {
      notes.failed(cleared.error().message);
      action.outcome = RecoveryAction::Outcome::Failed;
    } else if (on_step) {
      on_step(Step::IntentCleared);
    }
  }
  action.description = notes.joined();
  return action;
}

std::vector<RecoveryAction> recover_interrupted_transactions(const fs::path& game_dir,
                                                             const fs::path& state_dir) {
  std::vector<RecoveryAction> actions;
  std::set<std::string> settled;
  std::error_code ec;
  for (auto it = fs::directory_iterator(state_dir / "games", ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto id = utf8_of(it->path().filename());
    const auto file = it->path() / path_from_utf8(kIntentFile);
    if (!is_valid_game_id(id) || !exists_no_follow(file))
      continue;
    const auto lock = lock_for_recovery(state_dir, id);
    if (!lock) {
      settled.insert(id);
      continue;
    }
    const auto read = read_intent(file, game_dir / path_from_utf8(id));
    if (!read || !*read) {
      // Nothing says what ran; the disk alone is settled below, and a file
      // that cannot be read would block the game forever.
      actions.push_back({.game_id = id,
                         .outcome = RecoveryAction::Outcome::CleanedUp,
                         .description = "removed an unreadable intent: " +
                                        (read ? std::string() : read.error().message)});
      if (auto cleared = clear_intent(state_dir, id); !cleared)
        actions.back().description += "; " + cleared.error().message;
      continue;
    }
    const auto& intent = *read;
    auto action = recover_game_root(intent->game_root, id, state_dir, intent, {});
    spdlog::info("recovery: {} {} {}: {}", id, to_string(intent->operation),
                 to_string(action.outcome), action.description);
    if (intent->game_root == game_dir / path_from_utf8(id))
      settled.insert(id);
    actions.push_back(std::move(action));
  }

  for (auto it = fs::directory_iterator(game_dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    const auto id = utf8_of(it->path().filename());
    if (!is_valid_game_id(id) || settled.contains(id) || !is_real_directory(it->path()) ||
        !has_leftovers(it->path()))
      continue;
    const auto lock = lock_for_recovery(state_dir, id);
    if (!lock)
      continue;
    auto action = recover_game_root(it->path(), id, state_dir, std::nullopt, {});
    spdlog::info("recovery: {} {}: {}", id, to_string(action.outcome), action.description);
    actions.push_back(std::move(action));
  }
  return actions;
}

}  // namespace lanspread::peer::install
