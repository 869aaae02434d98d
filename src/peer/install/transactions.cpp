#include "peer/install/transactions.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "base/utf8_path.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/catalog/game_id.hpp"
#include "peer/install/archive_set.hpp"
#include "peer/install/game_lock.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/installed_files.hpp"
#include "peer/install/owned_dir.hpp"
#include "peer/install/recovery.hpp"
#include "peer/library/game_root_layout.hpp"
#include "platform/flush_tree.hpp"
#include "platform/rename.hpp"

namespace lanspread::peer::install {
namespace fs = std::filesystem;
namespace {

// The game's root, when a transaction may work in it.
Result<fs::path> check_root(const TransactionEnv& env, std::string_view game_id) {
  if (!is_valid_game_id(game_id))
    return Error{fmt::format("'{}' is not a valid game id", game_id)};
  auto root = env.game_dir / path_from_utf8(game_id);
  if (!is_real_directory(root))
    return Error{"there is no game folder " + utf8_of(root)};
  if (exists_no_follow(intent_path(env.state_dir, game_id)))
    return Error{"an interrupted operation on " + std::string(game_id) +
                 " has not been recovered yet; restart Lanspread"};
  for (const auto name :
       std::array{layout::kInstallingDir, layout::kBackupDir, kStagingTemp, kRemovingDir}) {
    if (exists_no_follow(root / path_from_utf8(name)))
      return Error{"the folder " + utf8_of(root / path_from_utf8(name)) +
                   " is in the way; move it elsewhere and try again"};
  }
  return root;
}

// Held for the whole transaction.
Result<GameLock> lock_for_transaction(const TransactionEnv& env, std::string_view game_id) {
  // The id names a folder of the state directory: checked before it is made.
  if (!is_valid_game_id(game_id))
    return Error{fmt::format("'{}' is not a valid game id", game_id)};
  return lock_game(env.state_dir, game_id);
}

bool is_downloaded(const fs::path& root) {
  return is_real_file(root / path_from_utf8(layout::kVersionFile));
}

void step(const TransactionEnv& env, Step reached) {
  if (env.on_step)
    env.on_step(reached);
}

// Puts the recorded state back after a failure (the same code startup
// recovery runs, so a failure and a crash end the same way).
Error roll_back(const TransactionEnv& env, const fs::path& root, const InstallIntent& intent,
                Error cause) {
  const auto action = recover_game_root(root, intent.game_id, env.state_dir, intent, env.on_step);
  spdlog::warn("{} {} failed ({}); {}", to_string(intent.operation), intent.game_id, cause.message,
               action.description);
  if (action.outcome == RecoveryAction::Outcome::Failed)
    return Error{cause.message + "; undoing it also failed: " + action.description};
  return cause;
}

class Filler {
 public:
  Filler(const TransactionEnv& env, const InstallPlan& plan, fs::path target,
         const InstallProgressFn& progress, const std::stop_token& stop)
      : env_(env), plan_(plan), target_(std::move(target)), progress_(progress), stop_(stop) {
    state_.total = plan.total_size();
  }

  Result<void> run() {
    for (const auto& set : plan_.archives) {
      const auto before = state_.done;
      auto unpacked = env_.unpacker.unpack(
          set, target_,
          [&](const UnpackProgress& progress) {
            report(before + std::min(progress.archive_bytes_read, set.size));
          },
          stop_);
      if (!unpacked)
        return unpacked;
      report(before + set.size);
      step(env_, Step::ArchiveSetUnpacked);
    }
    for (const auto& entry : plan_.loose_entries) {
      if (auto copied = copy_loose(entry); !copied)
        return copied;
    }
    step(env_, Step::LooseFilesCopied);
    return {};
  }

 private:
  void report(std::uint64_t done) {
    state_.done = done;
    if (progress_)
      progress_(state_);
  }

  Result<void> copy_file(const fs::path& from, const fs::path& to) {
    if (stop_.stop_requested())
      return Error::cancelled();
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return Error{"cannot copy " + utf8_of(from) + " into local/: " + ec.message()};
    report(state_.done + fs::file_size(from, ec));
    return {};
  }

  // Loose entries land on top of what the archives wrote.
  Result<void> copy_loose(const fs::path& entry) {
    const auto destination = target_ / entry.filename();
    std::error_code ec;
    if (!is_real_directory(entry))
      return copy_file(entry, destination);
    fs::create_directories(destination, ec);
    for (auto it = fs::recursive_directory_iterator(entry, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const auto type = examine_walked(it);
      const auto to = destination / fs::relative(it->path(), entry);
      if (type == platform::EntryType::Directory) {
        fs::create_directories(to, ec);
      } else if (type == platform::EntryType::File) {
        if (auto copied = copy_file(it->path(), to); !copied)
          return copied;
      } else {
        spdlog::warn("install: not copying {} (not a regular file or folder)", utf8_of(it->path()));
      }
    }
    if (ec)
      return Error{"cannot copy " + utf8_of(entry) + " into local/: " + ec.message()};
    return {};
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
Result<void> keep_user_files(const TransactionEnv& env, std::string_view game_id,
                             const fs::path& previous, const fs::path& target,
                             const std::stop_token& stop) {
  const auto produced = read_installed_files(env.state_dir, game_id);
  if (!produced) {
    spdlog::info(
        "update {}: no record of what the previous install unpacked (installed by an earlier "
        "Lanspread), so files added to local/ are not kept",
        game_id);
    return {};
  }
  CarriedOver carried;
  auto kept = carry_over_user_files(previous, target, *produced, stop, carried);
  if (kept && carried.files > 0)
    spdlog::info("update {}: kept {} file(s) ({} bytes) you or the game added to local/", game_id,
                 carried.files, carried.bytes);
  return kept;
}

}  // namespace

Result<void> install_game(const TransactionEnv& env, std::string_view game_id,
                          const InstallProgressFn& progress, std::stop_token stop) {
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked)
    return locked.error();
  const auto checked = check_root(env, game_id);
  if (!checked)
    return checked.error();
  const auto& root = *checked;
  if (!is_downloaded(root))
    return Error{std::string(game_id) + " is not downloaded (no version.ini)"};
  const fs::path local = root / path_from_utf8(layout::kLocalDir);
  const bool update = exists_no_follow(local);
  if (update && !is_real_directory(local))
    return Error{utf8_of(local) + " is not a folder"};
  const auto planned = plan_install(root);
  if (!planned)
    return planned.error();
  const auto& plan = *planned;
  if (plan.archives.empty() && plan.loose_entries.empty())
    return Error{std::string(game_id) + " has nothing to install besides version.ini"};

  const auto operation = update ? Operation::Update : Operation::Install;
  std::error_code ec;
  InstallIntent intent{
      .operation = operation, .game_id = std::string(game_id), .game_root = fs::absolute(root, ec)};
  if (auto recorded = record_intent(env.state_dir, intent); !recorded)
    return Error{"cannot record the install intent: " + recorded.error().message};
  step(env, Step::IntentRecorded);
  spdlog::info("{} {}: archive sets {}, loose files and folders {}", to_string(operation), game_id,
               plan.archives.size(), plan.loose_entries.size());

  auto fail = [&](Error cause) { return roll_back(env, root, intent, std::move(cause)); };
  const fs::path backup = root / path_from_utf8(layout::kBackupDir);
  if (update) {
    if (auto done = mark_owned(local); !done)
      return fail(done.error());
    step(env, Step::LocalMarked);
    if (auto done = platform::rename_durably(local, backup); !done)
      return fail(done.error());
    step(env, Step::BackupInPlace);
  }

  const fs::path staging_temp = root / path_from_utf8(kStagingTemp);
  const fs::path staging = root / path_from_utf8(layout::kInstallingDir);
  fs::create_directory(staging_temp, ec);
  if (ec)
    return fail(Error{"cannot create " + utf8_of(staging_temp) + ": " + ec.message()});
  if (auto done = mark_owned(staging_temp); !done)
    return fail(done.error());
  step(env, Step::StagingCreated);
  if (auto done = platform::rename_durably(staging_temp, staging); !done)
    return fail(done.error());
  step(env, Step::StagingInPlace);

  if (auto filled = Filler(env, plan, staging, progress, stop).run(); !filled)
    return fail(filled.error());
  // Recorded before anything else lands in staging, so that files kept from
  // the old local/ stay the user's in the next update too.
  if (auto recorded =
          record_pending_installed_files(env.state_dir, game_id, list_regular_files(staging));
      !recorded)
    return fail(Error{"cannot record the installed files: " + recorded.error().message});
  if (update) {
    if (auto kept = keep_user_files(env, game_id, backup, staging, stop); !kept)
      return fail(kept.error());
    step(env, Step::UserFilesCarriedOver);
  }
  // Unpacked files are not flushed one by one as they are written; one flush
  // of the whole staging folder before the rename (syncfs on Linux) keeps a
  // power cut from publishing a local/ whose files are still empty.
  if (auto done = platform::flush_tree(staging); !done)
    return fail(done.error());

  if (auto done = platform::rename_durably(staging, local); !done)
    return fail(done.error());
  step(env, Step::NewLocalInPlace);
  if (update) {
    intent.new_local_in_place = true;
    if (auto recorded = record_intent(env.state_dir, intent); !recorded)
      return fail(Error{"cannot record the install intent: " + recorded.error().message});
    step(env, Step::NewLocalRecorded);
  }
  if (auto done = commit_pending_installed_files(env.state_dir, game_id); !done)
    return fail(done.error());
  if (auto done = unmark_owned(local); !done)
    return fail(done.error());
  step(env, Step::NewLocalUnmarked);
  if (update) {
    if (auto done = remove_owned_dir(backup, env.on_step); !done)
      return fail(done.error());
    step(env, Step::BackupRemoved);
  }
  if (auto done = clear_intent(env.state_dir, game_id); !done)
    return done.error();
  step(env, Step::IntentCleared);
  spdlog::info("{} {}: done", to_string(operation), game_id);
  return {};
}

Result<void> uninstall_game(const TransactionEnv& env, std::string_view game_id) {
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked)
    return locked.error();
  const auto checked = check_root(env, game_id);
  if (!checked)
    return checked.error();
  const auto& root = *checked;
  const fs::path local = root / path_from_utf8(layout::kLocalDir);
  if (!is_real_directory(local))
    return Error{std::string(game_id) + " is not installed"};

  std::error_code ec;
  const InstallIntent intent{.operation = Operation::Uninstall,
                             .game_id = std::string(game_id),
                             .game_root = fs::absolute(root, ec)};
  if (auto recorded = record_intent(env.state_dir, intent); !recorded)
    return Error{"cannot record the uninstall intent: " + recorded.error().message};
  step(env, Step::IntentRecorded);
  auto fail = [&](Error cause) { return roll_back(env, root, intent, std::move(cause)); };

  if (auto done = mark_owned(local); !done)
    return fail(done.error());
  step(env, Step::LocalMarked);
  // Renamed first so that the library sees "not installed" at once and a
  // crash never leaves a half-deleted local/ that still looks installed.
  const fs::path aside = root / path_from_utf8(kRemovingDir);
  if (auto done = platform::rename_durably(local, aside); !done)
    return fail(done.error());
  step(env, Step::LocalMovedAside);
  if (auto done = remove_owned_dir(aside, env.on_step); !done)
    return fail(done.error());
  step(env, Step::AsideRemoved);
  if (auto done = forget_installed_files(env.state_dir, game_id); !done)
    return fail(done.error());
  if (auto done = clear_intent(env.state_dir, game_id); !done)
    return done.error();
  step(env, Step::IntentCleared);
  spdlog::info("uninstall {}: done", game_id);
  return {};
}

Result<void> remove_downloaded_game(const TransactionEnv& env, const Catalog& catalog,
                                    std::string_view game_id, bool operation_in_flight) {
  // A valid id has no separator, so the root is a direct child of game_dir.
  if (!is_valid_game_id(game_id) || !catalog.contains(game_id))
    return Error{fmt::format("'{}' is not a game in the catalog", game_id)};
  if (operation_in_flight)
    return Error{"an operation is running on " + std::string(game_id)};
  const auto locked = lock_for_transaction(env, game_id);
  if (!locked)
    return locked.error();
  const fs::path root = env.game_dir / path_from_utf8(game_id);
  if (!is_real_directory(root))
    return Error{"there is no game folder " + utf8_of(root)};
  if (exists_no_follow(root / path_from_utf8(layout::kLocalDir)))
    return Error{std::string(game_id) + " is installed; uninstall it first"};
  if (exists_no_follow(intent_path(env.state_dir, game_id)))
    return Error{"an interrupted operation on " + std::string(game_id) +
                 " has not been recovered yet; restart Lanspread"};
  if (!is_downloaded(root))
    return Error{"no regular version.ini in " + utf8_of(root) +
                 "; not deleting a folder that is not a downloaded game"};

  // The sentinel goes first: from then on the root reads as an incomplete
  // download, which is what a crash during the rest leaves behind.
  std::error_code ec;
  fs::remove(root / path_from_utf8(layout::kVersionFile), ec);
  if (!ec)
    ec = remove_tree(root);
  if (ec)
    return Error{"cannot delete " + utf8_of(root) + ": " + ec.message()};
  spdlog::info("removed the downloaded game {}", game_id);
  return {};
}

}  // namespace lanspread::peer::install
