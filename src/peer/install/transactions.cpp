#include "peer/install/transactions.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "peer/catalog/catalog.hpp"
#include "peer/catalog/game_id.hpp"
#include "peer/install/archive_set.hpp"
#include "peer/install/game_lock.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/installed_files.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/install/recovery.hpp"
#include "peer/library/game_root_layout.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

struct RootCheck {
  fs::path root;
  std::string error;
};

RootCheck check_root(const TransactionEnv& env, std::string_view game_id) {
  if (!is_valid_game_id(game_id))
    return {.error = fmt::format("'{}' is not a valid game id", game_id)};
  auto root = env.game_dir / std::string(game_id);
  if (!is_real_directory(root))
    return {.error = "there is no game folder " + root.string()};
  if (exists_no_follow(intent_path(env.state_dir, game_id)))
    return {.error = "an interrupted operation on " + std::string(game_id) +
                     " has not been recovered yet; restart Lanspread"};
  for (const auto name :
       std::array{layout::kInstallingDir, layout::kBackupDir, kStagingTemp, kRemovingDir}) {
    if (exists_no_follow(root / std::string(name)))
      return {.error = "the folder " + (root / std::string(name)).string() +
                       " is in the way; move it elsewhere and try again"};
  }
  return {.root = std::move(root)};
}

// Held for the whole transaction.
LockedGame lock_for_transaction(const TransactionEnv& env, std::string_view game_id) {
  // The id names a folder of the state directory: checked before it is made.
  if (!is_valid_game_id(game_id))
    return {.error = fmt::format("'{}' is not a valid game id", game_id)};
  return lock_game(env.state_dir, game_id);
}

bool is_downloaded(const fs::path& root) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(root / std::string(layout::kVersionFile), ec));
}

void step(const TransactionEnv& env, Step reached) {
  if (env.on_step)
    env.on_step(reached);
}

// Puts the recorded state back after a failure (the same code startup
// recovery runs, so a failure and a crash end the same way).
Result roll_back(const TransactionEnv& env, const fs::path& root, const InstallIntent& intent,
                 Result cause) {
  const auto action = recover_game_root(root, intent.game_id, env.state_dir, intent, env.on_step);
  spdlog::warn("{} {} failed ({}); {}", to_string(intent.operation), intent.game_id, cause.reason(),
               action.description);
  if (action.outcome == RecoveryAction::Outcome::Failed)
    return Result::failure(cause.reason() + "; undoing it also failed: " + action.description);
  return cause;
}

class Filler {
 public:
  Filler(const TransactionEnv& env, const InstallPlan& plan, fs::path target,
         const InstallProgressFn& progress, const std::stop_token& stop)
      : env_(env), plan_(plan), target_(std::move(target)), progress_(progress), stop_(stop) {
    state_.total = plan.total_size();
  }

  Result run() {
    for (const auto& set : plan_.archives) {
      const auto before = state_.done;
      auto result = env_.unpacker.unpack(
          set, target_,
          [&](const UnpackProgress& unpacked) {
            report(before + std::min(unpacked.archive_bytes_read, set.size));
          },
          stop_);
      if (!result.ok())
        return result;
      report(before + set.size);
      step(env_, Step::ArchiveSetUnpacked);
    }
    for (const auto& entry : plan_.loose_entries) {
      if (auto result = copy_loose(entry); !result.ok())
        return result;
    }
    step(env_, Step::LooseFilesCopied);
    return Result::success();
  }

 private:
  void report(std::uint64_t done) {
    state_.done = done;
    if (progress_)
      progress_(state_);
  }

  Result copy_file(const fs::path& from, const fs::path& to) {
    if (stop_.stop_requested())
      return Result::cancelled();
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return Result::failure("cannot copy " + from.string() + " into local/: " + ec.message());
    report(state_.done + fs::file_size(from, ec));
    return Result::success();
  }

  // Loose entries land on top of what the archives wrote.
  Result copy_loose(const fs::path& entry) {
    const auto destination = target_ / entry.filename();
    std::error_code ec;
    if (!is_real_directory(entry))
      return copy_file(entry, destination);
    fs::create_directories(destination, ec);
    for (auto it = fs::recursive_directory_iterator(entry, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const auto status = it->symlink_status(ec);
      const auto to = destination / fs::relative(it->path(), entry);
      if (fs::is_directory(status)) {
        fs::create_directories(to, ec);
      } else if (fs::is_regular_file(status)) {
        if (auto result = copy_file(it->path(), to); !result.ok())
          return result;
      } else {
        spdlog::warn("install: not copying {} (not a regular file or folder)", it->path().string());
      }
    }
    if (ec)
      return Result::failure("cannot copy " + entry.string() + " into local/: " + ec.message());
    return Result::success();
  }

  const TransactionEnv& env_;
  const InstallPlan& plan_;
  fs::path target_;
  const InstallProgressFn& progress_;
  const std::stop_token& stop_;
  InstallProgress state_;
};

// An update keeps the files a user or the game made in the old local/ (saves,
// configs): whatever the previous install did not unpack and the new one
// does not ship.
Result keep_user_files(const TransactionEnv& env, std::string_view game_id,
                       const fs::path& previous, const fs::path& target,
                       const std::stop_token& stop) {
  const auto produced = read_installed_files(env.state_dir, game_id);
  if (!produced) {
    spdlog::info(
        "update {}: no record of what the previous install unpacked (installed by an earlier "
        "Lanspread), so files added to local/ are not kept",
        game_id);
    return Result::success();
  }
  CarriedOver carried;
  auto result = carry_over_user_files(previous, target, *produced, stop, carried);
  if (result.ok() && carried.files > 0)
    spdlog::info("update {}: kept {} file(s) ({} bytes) you or the game added to local/", game_id,
                 carried.files, carried.bytes);
  return result;
}

}  // namespace

Result install_game(const TransactionEnv& env, std::string_view game_id,
                    const InstallProgressFn& progress, std::stop_token stop) {
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked.lock)
    return Result::failure(locked.error);
  const auto checked = check_root(env, game_id);
  if (!checked.error.empty())
    return Result::failure(checked.error);
  const auto& root = checked.root;
  if (!is_downloaded(root))
    return Result::failure(std::string(game_id) + " is not downloaded (no version.ini)");
  const fs::path local = root / std::string(layout::kLocalDir);
  const bool update = exists_no_follow(local);
  if (update && !is_real_directory(local))
    return Result::failure(local.string() + " is not a folder");
  const auto planned = plan_install(root);
  if (!planned.plan)
    return Result::failure(planned.error);
  const auto& plan = *planned.plan;
  if (plan.archives.empty() && plan.loose_entries.empty())
    return Result::failure(std::string(game_id) + " has nothing to install besides version.ini");

  const auto operation = update ? Operation::Update : Operation::Install;
  std::error_code ec;
  InstallIntent intent{
      .operation = operation, .game_id = std::string(game_id), .game_root = fs::absolute(root, ec)};
  if (auto error = record_intent(env.state_dir, intent))
    return Result::failure("cannot record the install intent: " + *error);
  step(env, Step::IntentRecorded);
  spdlog::info("{} {}: archive sets {}, loose files and folders {}", to_string(operation), game_id,
               plan.archives.size(), plan.loose_entries.size());

  auto fail = [&](Result cause) { return roll_back(env, root, intent, std::move(cause)); };
  const fs::path backup = root / std::string(layout::kBackupDir);
  if (update) {
    if (auto error = mark_owned(local))
      return fail(Result::failure(*error));
    step(env, Step::LocalMarked);
    if (auto error = rename_durably(local, backup))
      return fail(Result::failure(*error));
    step(env, Step::BackupInPlace);
  }

  const fs::path staging_temp = root / std::string(kStagingTemp);
  const fs::path staging = root / std::string(layout::kInstallingDir);
  fs::create_directory(staging_temp, ec);
  if (ec)
    return fail(Result::failure("cannot create " + staging_temp.string() + ": " + ec.message()));
  if (auto error = mark_owned(staging_temp))
    return fail(Result::failure(*error));
  step(env, Step::StagingCreated);
  if (auto error = rename_durably(staging_temp, staging))
    return fail(Result::failure(*error));
  step(env, Step::StagingInPlace);

  if (auto result = Filler(env, plan, staging, progress, stop).run(); !result.ok())
    return fail(std::move(result));
  // Recorded before anything else lands in staging, so that files kept from
  // the old local/ stay the user's in the next update too.
  if (auto error =
          record_pending_installed_files(env.state_dir, game_id, list_regular_files(staging)))
    return fail(Result::failure("cannot record the installed files: " + *error));
  if (update) {
    if (auto result = keep_user_files(env, game_id, backup, staging, stop); !result.ok())
      return fail(std::move(result));
    step(env, Step::UserFilesCarriedOver);
  }
  // Unpacked files are not fsynced one by one; one syncfs before the rename
  // keeps a power cut from publishing a local/ whose files are still empty.
  if (auto error = flush_file_system(staging))
    return fail(Result::failure(*error));

  if (auto error = rename_durably(staging, local))
    return fail(Result::failure(*error));
  step(env, Step::NewLocalInPlace);
  if (update) {
    intent.new_local_in_place = true;
    if (auto error = record_intent(env.state_dir, intent))
      return fail(Result::failure("cannot record the install intent: " + *error));
    step(env, Step::NewLocalRecorded);
  }
  if (auto error = commit_pending_installed_files(env.state_dir, game_id))
    return fail(Result::failure(*error));
  if (auto error = unmark_owned(local))
    return fail(Result::failure(*error));
  step(env, Step::NewLocalUnmarked);
  if (update) {
    if (auto error = remove_owned_dir(backup, env.on_step))
      return fail(Result::failure(*error));
    step(env, Step::BackupRemoved);
  }
  if (auto error = clear_intent(env.state_dir, game_id))
    return Result::failure(*error);
  step(env, Step::IntentCleared);
  spdlog::info("{} {}: done", to_string(operation), game_id);
  return Result::success();
}

Result uninstall_game(const TransactionEnv& env, std::string_view game_id) {
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked.lock)
    return Result::failure(locked.error);
  const auto checked = check_root(env, game_id);
  if (!checked.error.empty())
    return Result::failure(checked.error);
  const auto& root = checked.root;
  const fs::path local = root / std::string(layout::kLocalDir);
  if (!is_real_directory(local))
    return Result::failure(std::string(game_id) + " is not installed");

  std::error_code ec;
  const InstallIntent intent{.operation = Operation::Uninstall,
                             .game_id = std::string(game_id),
                             .game_root = fs::absolute(root, ec)};
  if (auto error = record_intent(env.state_dir, intent))
    return Result::failure("cannot record the uninstall intent: " + *error);
  step(env, Step::IntentRecorded);
  auto fail = [&](Result cause) { return roll_back(env, root, intent, std::move(cause)); };

  if (auto error = mark_owned(local))
    return fail(Result::failure(*error));
  step(env, Step::LocalMarked);
  // Renamed first so that the library sees "not installed" at once and a
  // crash never leaves a half-deleted local/ that still looks installed.
  const fs::path aside = root / std::string(kRemovingDir);
  if (auto error = rename_durably(local, aside))
    return fail(Result::failure(*error));
  step(env, Step::LocalMovedAside);
  if (auto error = remove_owned_dir(aside, env.on_step))
    return fail(Result::failure(*error));
  step(env, Step::AsideRemoved);
  if (auto error = forget_installed_files(env.state_dir, game_id))
    return fail(Result::failure(*error));
  if (auto error = clear_intent(env.state_dir, game_id))
    return Result::failure(*error);
  step(env, Step::IntentCleared);
  spdlog::info("uninstall {}: done", game_id);
  return Result::success();
}

Result remove_downloaded_game(const TransactionEnv& env, const Catalog& catalog,
                              std::string_view game_id, bool operation_in_flight) {
  // A valid id has no separator, so the root is a direct child of game_dir.
  if (!is_valid_game_id(game_id) || !catalog.contains(game_id))
    return Result::failure(fmt::format("'{}' is not a game in the catalog", game_id));
  if (operation_in_flight)
    return Result::failure("an operation is running on " + std::string(game_id));
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked.lock)
    return Result::failure(locked.error);
  const fs::path root = env.game_dir / std::string(game_id);
  if (!is_real_directory(root))
    return Result::failure("there is no game folder " + root.string());
  if (exists_no_follow(root / std::string(layout::kLocalDir)))
    return Result::failure(std::string(game_id) + " is installed; uninstall it first");
  if (exists_no_follow(intent_path(env.state_dir, game_id)))
    return Result::failure("an interrupted operation on " + std::string(game_id) +
                           " has not been recovered yet; restart Lanspread");
  if (!is_downloaded(root))
    return Result::failure("no regular version.ini in " + root.string() +
                           "; not deleting a folder that is not a downloaded game");

  // The sentinel goes first: from then on the root reads as an incomplete
  // download, which is what a crash during the rest leaves behind.
  std::error_code ec;
  fs::remove(root / std::string(layout::kVersionFile), ec);
  if (!ec)
    fs::remove_all(root, ec);
  if (ec)
    return Result::failure("cannot delete " + root.string() + ": " + ec.message());
  spdlog::info("removed the downloaded game {}", game_id);
  return Result::success();
}

}  // namespace lanspread::peer::install
