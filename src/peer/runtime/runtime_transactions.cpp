#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <chrono>

#include "base/utf8_path.hpp"
#include "peer/download/sentinel_transaction.hpp"
#include "peer/install/install_intent.hpp"
#include "peer/install/migration.hpp"
#include "peer/install/progress_throttle.hpp"
#include "peer/install/recovery.hpp"
#include "peer/runtime/runtime.hpp"

// Local transactions (docs/install.md): install, update, uninstall and
// removal on the disk thread with the game marked busy, and the settling of
// those a crash interrupted, at start.
namespace lanspread::peer {
namespace fs = std::filesystem;
namespace {

// Four a second are plenty for a progress bar.
constexpr auto kInstallProgressInterval = std::chrono::milliseconds(250);

// The end of an operation that began: Finished, or Failed with the reason.
template <class Finished, class Failed>
auto report_end(const EventSink& emit, std::string game_id) {
  return [&emit, game_id = std::move(game_id)](const Result<void>& result) {
    if (result) {
      emit(Finished{game_id});
    } else {
      emit(Failed{game_id, result.error().message});
    }
  };
}

}  // namespace

template <class Work, class Then>
void Runtime::run_operation(const std::string& game_id, OperationKind kind, Work work, Then then) {
  set_operation(game_id, kind);
  monitor_.hold(game_id);
  on_disk([work = std::move(work)](DiskState&) { return work(); },
          [this, game_id, then = std::move(then)](const Result<void>& result) {
            set_operation(game_id, std::nullopt);
            // The library changes are reported by the rescan release() asks for.
            monitor_.release(game_id);
            then(result);
          });
}

void Runtime::handle(const command::InstallGame& c) {
  const auto id = c.game_id;
  if (!admit(command::InstallGame::kName, id))
    return;
  const auto kind = library_.contains(id) && library_.at(id).installed ? OperationKind::Updating
                                                                       : OperationKind::Installing;
  emit_(event::InstallGameBegin{id});
  run_operation(
      id, kind,
      [this, id, game_dir = game_dir_, stop = shutting_down_.get_token()] {
        install::ProgressThrottle throttle(kInstallProgressInterval);
        const auto report = [&](const install::InstallProgress& progress) {
          if (!throttle.due())
            return;
          // Posted like the result, so no progress arrives after Finished.
          asio::post(io_, [this, progress_event = event::InstallGameProgress{id, progress.done,
                                                                             progress.total}] {
            if (!stopping_)
              emit_(progress_event);
          });
        };
        return install::install_game(transaction_env(game_dir), id, report, stop);
      },
      report_end<event::InstallGameFinished, event::InstallGameFailed>(emit_, id));
}

void Runtime::handle(const command::UninstallGame& c) {
  const auto id = c.game_id;
  if (!admit(command::UninstallGame::kName, id))
    return;
  emit_(event::UninstallGameBegin{id});
  run_operation(
      id, OperationKind::Uninstalling,
      [this, id, game_dir = game_dir_] {
        return install::uninstall_game(transaction_env(game_dir), id);
      },
      report_end<event::UninstallGameFinished, event::UninstallGameFailed>(emit_, id));
}

void Runtime::handle(const command::RemoveDownloadedGame& c) {
  const auto id = c.game_id;
  if (!admit(command::RemoveDownloadedGame::kName, id))
    return;
  run_operation(
      id, OperationKind::Removing,
      [this, id, game_dir = game_dir_] {
        return install::remove_downloaded_game(transaction_env(game_dir), catalog_, id, false);
      },
      [this, id](const Result<void>& removed) {
        if (!removed)
          command_failed(command::RemoveDownloadedGame::kName, id, removed.error().message);
      });
}

install::TransactionEnv Runtime::transaction_env(const fs::path& game_dir) const {
  return {.game_dir = game_dir, .state_dir = options_.state_dir, .unpacker = *unpacker_};
}

void Runtime::set_operation(const std::string& game_id, std::optional<OperationKind> kind) {
  if (kind) {
    operations_[game_id] = *kind;
  } else {
    operations_.erase(game_id);
  }
  emit_(event::ActiveOperationsChanged{operations_});
}

void Runtime::settle_interrupted_transactions() {
  // Before the first scan, so the library never shows a half-done state.
  on_disk(
      [this, game_dir = game_dir_](DiskState&) {
        install::migrate_legacy_files(game_dir, options_.state_dir, catalog_);
        // A download a crash interrupted: its sentinel temporaries go, its
        // payload stays for the resume.
        std::error_code ec;
        for (const auto& root : fs::directory_iterator(game_dir, ec)) {
          const auto id = utf8_of(root.path().filename());
          if (!catalog_.contains(id) || !root.is_directory(ec) || root.is_symlink(ec))
            continue;
          // Another process downloading it still needs its temporaries.
          if (install::lock_game(options_.state_dir, id))
            download::sweep_sentinel_temporaries(root.path());
        }
        return install::recover_interrupted_transactions(game_dir, options_.state_dir);
      },
      [this](const std::vector<install::RecoveryAction>& actions) {
        for (const auto& action : actions) {
          spdlog::info("{}: settled an interrupted transaction: {}", action.game_id,
                       action.description);
          emit_(event::InstallTransactionRecovered{.game_id = action.game_id,
                                                   .operation = action.operation,
                                                   .outcome = action.outcome,
                                                   .description = action.description});
          if (action.outcome == install::RecoveryAction::Outcome::Failed) {
            emit_(event::RuntimeFailure{action.game_id + ": " + action.description});
          }
        }
      });
}

}  // namespace lanspread::peer
