#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "cli/app_command.hpp"
#include "cli/global_options.hpp"
#include "cli/serve_command.hpp"
#include "cli/status_command.hpp"
#include "cli/transaction_commands.hpp"
#include "peer/catalog/catalog.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void configure_logging(const std::string& level) {
  // Logs go to stderr so stdout stays machine-readable with --json.
  auto logger = spdlog::stderr_color_mt("lanspread");
  logger->set_pattern("%H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  using lanspread::cli::GlobalOptions;
  GlobalOptions options;
  CLI::App app{"Lanspread: share and download games on the local network"};
  app.require_subcommand(1);
  app.add_option("--games", options.games,
                 "game folder (default: the remembered one, else " +
                     lanspread::cli::default_game_dir().string() + ")");
  app.add_option("--state", options.state,
                 "state directory (default: " + lanspread::cli::default_state_dir().string() + ")");
  app.add_option("--port", options.port, "QUIC port (default 0: pick a free one)");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_flag("--json", options.json, "one JSON object per line on stdout");

  lanspread::cli::AppOptions app_options;
  auto* desktop =
      app.add_subcommand("app", "the desktop app: the peer and its web UI in the browser");
  desktop->add_flag("--no-browser", app_options.no_browser,
                    "print the UI's address instead of opening the browser");
  desktop->add_option("--ui-port", app_options.ui_port,
                      "UI port on 127.0.0.1 (default: a free one)");
  desktop->add_option("--ui-dir", app_options.ui_dir,
                      "the built UI (default: the source tree's ui/dist)");
  desktop->add_option("--peer", app_options.peers, "a peer's HOST:PORT (repeatable)");
  auto* serve = app.add_subcommand("serve", "share the game folder with peers until stopped");
  auto* status = app.add_subcommand("status", "print the local library: each game's state");
  using lanspread::cli::Transaction;
  std::string game_id;
  const std::vector<std::tuple<Transaction, const char*, const char*>> transactions = {
      {Transaction::Install, "install", "unpack a downloaded game into its local/ folder"},
      {Transaction::Uninstall, "uninstall", "remove local/ and keep the downloaded files"},
      {Transaction::Remove, "remove", "delete a downloaded, uninstalled game's folder"},
      {Transaction::Verify, "verify", "check a game's files against its archives"}};
  std::vector<std::pair<CLI::App*, Transaction>> transaction_commands;
  for (const auto& [transaction, name, help] : transactions) {
    auto* command = app.add_subcommand(name, help);
    command->add_option("ID", game_id, "catalog id of the game")->required();
    transaction_commands.emplace_back(command, transaction);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  configure_logging(options.log_level);
  try {
    if (desktop->parsed())
      return lanspread::cli::run_app(options, app_options);
    if (serve->parsed())
      return lanspread::cli::run_serve(options);
    if (status->parsed())
      return lanspread::cli::run_status(options);
    for (const auto& [command, transaction] : transaction_commands) {
      if (command->parsed())
        return lanspread::cli::run_transaction(options, transaction, game_id);
    }
  } catch (const lanspread::peer::CatalogError& e) {
    std::cerr << "lanspread: bad catalog: " << e.what() << '\n';
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "lanspread: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitUsage;
}
