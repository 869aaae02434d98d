#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "base/utf8_path.hpp"
#include "cli/app_command.hpp"
#include "cli/download_command.hpp"
#include "cli/global_options.hpp"
#include "cli/network_commands.hpp"
#include "cli/serve_command.hpp"
#include "cli/status_command.hpp"
#include "cli/transaction_commands.hpp"
#include "cli/version.hpp"
#include "peer/services/peer_address.hpp"
#include "platform/command_line.hpp"
#include "platform/terminal.hpp"
#include "transport/congestion_control.hpp"

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

// A path option: its UTF-8 text becomes a path through path_from_utf8 (CLI11
// would convert it through the ANSI code page on Windows).
CLI::Option* add_path_option(CLI::App& app, const std::string& name, std::filesystem::path& path,
                             const std::string& help) {
  return app.add_option_function<std::string>(
      name, [&path](const std::string& text) { path = lanspread::path_from_utf8(text); }, help);
}

}  // namespace

int main(int argc, char** argv) {
  using lanspread::cli::GlobalOptions;
  GlobalOptions options;
  // Named, so help and the man page made from it say "lanspread" whatever
  // path started it.
  CLI::App app{"Lanspread: share and download games on the local network", "lanspread"};
  app.set_version_flag("--version", lanspread::cli::version_text,
                       "print the version, the commit and the libraries' versions, then exit");
  app.require_subcommand(1);
  // Set before the subcommands are added, which inherit both: global options
  // may follow the subcommand (scripts/run.sh passes its arguments after
  // `app`), and every help ends with the exit codes scripts rely on.
  app.fallthrough();
  app.footer(fmt::format("Exit codes: 0 success, {} failure (the reason on stderr), {} bad usage.",
                         kExitFailure, kExitUsage));
  add_path_option(app, "--games", options.games,
                  "game folder (default: the remembered one, else " +
                      lanspread::utf8_of(lanspread::cli::default_game_dir()) + ")");
  add_path_option(
      app, "--state", options.state,
      "state directory (default: " + lanspread::utf8_of(lanspread::cli::default_state_dir()) + ")");
  app.add_option("--port", options.port, "QUIC port (default 0: pick a free one)");
  app.add_option("--peer", options.peers,
                 "a peer reached by address (HOST:PORT), for networks that block multicast; "
                 "repeatable")
      ->check([](const std::string& text) {
        return lanspread::peer::parse_peer_address(text)
                   ? std::string()
                   : "expected HOST:PORT, A.B.C.D:PORT or [V6]:PORT, got " + text;
      });
  app.add_flag("--no-mdns", options.no_mdns,
               "do not advertise or look for peers with mDNS (peers by address still work)");
  app.add_option("--upload-limit", options.upload_limit_mbit,
                 "share at most this many Mbit/s with other peers, this run only "
                 "(0: no limit; default: the app's setting)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--download-limit", options.download_limit_mbit,
                 "download at most this many Mbit/s, this run only (0: no limit; default: the "
                 "app's setting)")
      ->check(CLI::NonNegativeNumber);
  add_path_option(app, "--passphrase-file", options.passphrase_file,
                  "the party passphrase: the first line of FILE (or set LANSPREAD_PASSPHRASE); "
                  "peers without it can neither list nor download");
  app.add_option("--congestion-control", options.congestion_control,
                 "the QUIC sender's congestion controller: bbr (default) or cubic "
                 "(docs/decisions.md compares them)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, lanspread::transport::CongestionControl>{
              {"bbr", lanspread::transport::CongestionControl::Bbr},
              {"cubic", lanspread::transport::CongestionControl::Cubic}},
          CLI::ignore_case));
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
  add_path_option(*desktop, "--ui-dir", app_options.ui_dir,
                  "serve the UI from this built UI folder (e.g. ui/dist) instead of the "
                  "one built into the program");
  auto* serve = app.add_subcommand("serve", "share the game folder with peers until stopped");
  auto* status = app.add_subcommand("status", "print the local library: each game's state");
  double wait_seconds = 3;
  auto* list = app.add_subcommand(
      "list", "listen for peers, then print the games on the network with versions and peers");
  auto* peers = app.add_subcommand("peers", "listen for peers, then print the peers found");
  lanspread::cli::DownloadOptions download_options;
  bool no_install = false;
  double look_seconds = 10;
  auto* download = app.add_subcommand(
      "download", "download a game from every peer that has it, then install it");
  download->add_option("ID", download_options.game_id, "catalog id of the game")->required();
  download->add_flag("--no-install", no_install, "only download; do not unpack the archives");
  download
      ->add_option("--wait", look_seconds,
                   "seconds to look for a peer that has the game (default 10)")
      ->check(CLI::Range(0.0, 3600.0));
  for (auto* command : {list, peers}) {
    command->add_option("--wait", wait_seconds, "seconds to listen for peers (default 3)")
        ->check(CLI::Range(0.0, 3600.0));
  }
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

  // UTF-8 whatever the system's narrow encoding (Windows: the ANSI code page).
  const auto arguments = lanspread::platform::utf8_arguments(argc, argv);
  std::vector<const char*> argument_pointers;
  for (const auto& argument : arguments)
    argument_pointers.push_back(argument.c_str());
  lanspread::platform::prepare_console();
  try {
    app.parse(static_cast<int>(argument_pointers.size()), argument_pointers.data());
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
    const auto wait = std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000));
    if (download->parsed()) {
      download_options.install = !no_install;
      download_options.wait = std::chrono::milliseconds(static_cast<long>(look_seconds * 1000));
      return lanspread::cli::run_download(options, download_options);
    }
    if (list->parsed())
      return lanspread::cli::run_list(options, wait);
    if (peers->parsed())
      return lanspread::cli::run_peers(options, wait);
    for (const auto& [command, transaction] : transaction_commands) {
      if (command->parsed())
        return lanspread::cli::run_transaction(options, transaction, game_id);
    }
  } catch (const std::exception& e) {
    // What constructors (the runtime, the UI's server) and libraries throw.
    std::cerr << "lanspread: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitUsage;
}
