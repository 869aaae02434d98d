#include "cli/transaction_commands.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <thread>

#include "base/utf8_path.hpp"
#include "cli/install_progress.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/install/migration.hpp"
#include "peer/install/progress_throttle.hpp"
#include "peer/install/recovery.hpp"
#include "peer/install/transactions.hpp"
#include "peer/install/verify.hpp"
#include "peer/runtime/event_json.hpp"
#include "platform/stop_requests.hpp"
#include "platform/terminal.hpp"

namespace lanspread::cli {
namespace {

int report(const GlobalOptions& options, const std::string& game_id, const char* action,
           const Result<void>& result) {
  const std::string reason = result ? "" : result.error().message;
  if (options.json) {
    std::cout << nlohmann::json{{"game_id", game_id},
                                {"action", action},
                                {"ok", result.has_value()},
                                {"reason", reason}}
                     .dump()
              << '\n';
  } else if (result) {
    std::cout << game_id << ": " << action << " done\n";
  }
  if (!result)
    std::cerr << "lanspread: " << game_id << ": " << reason << '\n';
  return result ? 0 : 1;
}

int report_verify(const GlobalOptions& options, const peer::install::VerifyReport& verified) {
  if (options.json) {
    std::cout << nlohmann::json{{"game_id", verified.game_id},
                                {"action", "verify"},
                                {"ok", verified.ok()},
                                {"downloaded", verified.downloaded},
                                {"installed", verified.installed},
                                {"problems", verified.problems}}
                     .dump()
              << '\n';
  } else if (verified.ok()) {
    std::cout << verified.game_id << ": verified, no problems found\n";
  }
  for (const auto& problem : verified.problems) {
    std::cerr << "lanspread: " << verified.game_id << ": " << problem << '\n';
  }
  return verified.ok() ? 0 : 1;
}

}  // namespace

int run_transaction(const GlobalOptions& options, Transaction transaction,
                    const std::string& game_id) {
  const auto state_dir = resolve_state_dir(options);
  const auto game_dir = resolve_game_dir(options, state_dir);
  const auto loaded = load_catalog(state_dir);
  if (!loaded)
    return fail(loaded.error());
  const auto& catalog = *loaded;
  if (!catalog.contains(game_id)) {
    std::cerr << "lanspread: " << game_id << " is not a catalog game\n";
    return 1;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(game_dir, ec)) {
    std::cerr << "lanspread: game folder " << utf8_of(game_dir) << " does not exist\n";
    return 1;
  }

  // Ctrl-C asks the transaction to stop; it then rolls back cleanly.
  platform::StopRequests stop_requests;
  std::stop_source stop;
  std::jthread stop_watcher([&](const std::stop_token& finished) {
    while (!finished.stop_requested()) {
      if (stop_requests.wait_for(std::chrono::milliseconds(100))) {
        stop.request_stop();
        return;
      }
    }
  });

  peer::install::migrate_legacy_files(game_dir, state_dir, catalog);
  for (const auto& action : peer::install::recover_interrupted_transactions(game_dir, state_dir)) {
    spdlog::info("{}: settled an interrupted transaction: {}", action.game_id, action.description);
  }

  peer::install::LibarchiveUnpacker unpacker;
  const peer::install::TransactionEnv env{
      .game_dir = game_dir, .state_dir = state_dir, .unpacker = unpacker};
  switch (transaction) {
    case Transaction::Install: {
      const bool terminal = platform::stderr_is_terminal() && !options.json;
      // As often as the runtime reports it to the UI.
      peer::install::ProgressThrottle throttle(std::chrono::milliseconds(250));
      const auto result = peer::install::install_game(
          env, game_id,
          [&](const peer::install::InstallProgress& progress) {
            if ((!terminal && !options.json) || !throttle.due())
              return;
            if (options.json) {
              std::cout << peer::to_json(peer::event::InstallGameProgress{game_id, progress.done,
                                                                          progress.total})
                               .dump()
                        << std::endl;
            } else {
              draw_install_progress(game_id, progress.done, progress.total);
            }
          },
          stop.get_token());
      if (terminal)
        std::cerr << '\n';
      return report(options, game_id, "install", result);
    }
    case Transaction::Uninstall:
      return report(options, game_id, "uninstall", peer::install::uninstall_game(env, game_id));
    case Transaction::Remove:
      return report(options, game_id, "remove",
                    peer::install::remove_downloaded_game(env, catalog, game_id, false));
    case Transaction::Verify:
      return report_verify(options, peer::install::verify_game(env, game_id, stop.get_token()));
  }
  return 1;
}

}  // namespace lanspread::cli
