#include "cli/download_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/human_format.hpp"
#include "cli/install_progress.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_json.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "platform/stop_requests.hpp"
#include "platform/terminal.hpp"

namespace lanspread::cli {
namespace {

using namespace peer::event;

constexpr auto kStopPoll = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;

void draw_progress(const DownloadGameFilesProgress& progress) {
  const double fraction = progress.bytes_total == 0 ? 1.0
                                                    : static_cast<double>(progress.bytes_done) /
                                                          static_cast<double>(progress.bytes_total);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::cerr << fmt::format("\r[{:#<{}}{:.<{}}] {:5.1f}%  {} of {}  {}/s  {} peer(s)   ", "", filled,
                           "", kBarWidth - filled, fraction * 100, human_size(progress.bytes_done),
                           human_size(progress.bytes_total), human_size(progress.bytes_per_second),
                           progress.peers_streaming)
            << std::flush;
}

}  // namespace

int run_download(const GlobalOptions& options, const DownloadOptions& download) {
  const auto state_dir = resolve_state_dir(options);
  const auto game_dir = resolve_game_dir(options, state_dir);
  auto catalog = load_catalog(state_dir);
  if (!catalog)
    return fail(catalog.error());
  if (!catalog->contains(download.game_id)) {
    std::cerr << "lanspread: " << download.game_id << " is not a catalog game\n";
    return 1;
  }
  // Downloading into a folder that does not exist yet is what the user asked for.
  std::error_code ec;
  std::filesystem::create_directories(game_dir, ec);

  platform::StopRequests stop;

  auto runtime_options = peer_options(options, state_dir);
  if (!runtime_options)
    return fail(runtime_options.error());
  peer::EventQueue events;
  auto runtime = peer::start_peer(game_dir, events.sink(), peer::PeerGameDB{},
                                  std::make_shared<peer::install::LibarchiveUnpacker>(),
                                  std::move(*catalog), std::move(*runtime_options));
  const bool bar = !options.json && platform::stderr_is_terminal();
  const auto& id = download.game_id;
  const auto looking_until = std::chrono::steady_clock::now() + download.wait;
  bool started = false;
  bool cancelling = false;
  bool downloaded = false;
  std::optional<std::string> failure;

  for (;;) {
    if (!cancelling && stop.wait_for(std::chrono::milliseconds(0))) {
      if (!started)
        return 1;  // nothing on disk yet; the handle shuts the peer down
      std::cerr << (bar ? "\n" : "") << "lanspread: cancelling the download of " << id << '\n';
      runtime.send(peer::command::CancelDownload{id});
      cancelling = true;
    }
    if (!started && std::chrono::steady_clock::now() > looking_until) {
      std::cerr << "lanspread: no peer has " << id << " (looked for "
                << std::chrono::duration_cast<std::chrono::seconds>(download.wait).count()
                << " s)\n";
      return 1;
    }
    auto event = events.pop(kStopPoll);
    if (!event)
      continue;
    if (options.json)
      std::cout << peer::to_json(*event).dump() << std::endl;

    if (const auto* view = std::get_if<AggregatedLibraryChanged>(&*event)) {
      const auto game = std::ranges::find(view->games, id, [](const auto& g) { return g.game.id; });
      if (!started && game != view->games.end() && game->peer_count > 0) {
        started = true;
        if (!options.json)
          std::cerr << fmt::format("downloading {} version {} from {} peer(s)\n", game->game.name,
                                   game->game.version, game->peer_count);
        runtime.send(peer::command::DownloadGameFiles{.game_id = id, .install = download.install});
      }
    } else if (const auto* progress = std::get_if<DownloadGameFilesProgress>(&*event)) {
      if (bar && progress->game_id == id)
        draw_progress(*progress);
    } else if (const auto* installing = std::get_if<InstallGameProgress>(&*event)) {
      if (bar && installing->game_id == id)
        draw_install_progress(id, installing->bytes_done, installing->bytes_total);
    } else if (const auto* failed = std::get_if<DownloadGameFilesFailed>(&*event)) {
      if (failed->game_id == id) {
        failure = "download failed: " + failed->reason;
        break;
      }
    } else if (const auto* cancelled = std::get_if<DownloadGameFilesCancelled>(&*event)) {
      if (cancelled->game_id == id) {
        failure = "download cancelled";
        break;
      }
    } else if (const auto* finished = std::get_if<DownloadGameFilesFinished>(&*event)) {
      if (finished->game_id == id) {
        downloaded = true;
        if (!options.json)
          std::cerr << (bar ? "\n" : "") << id << ": downloaded\n";
        if (!download.install)
          break;
      }
    } else if (const auto* installed = std::get_if<InstallGameFinished>(&*event)) {
      if (downloaded && installed->game_id == id) {
        if (!options.json)
          std::cerr << (bar ? "\n" : "") << id << ": installed\n";
        break;
      }
    } else if (const auto* install_failed = std::get_if<InstallGameFailed>(&*event)) {
      if (downloaded && install_failed->game_id == id) {
        failure = "downloaded, but the install failed: " + install_failed->reason;
        break;
      }
    } else if (const auto* refused = std::get_if<CommandFailed>(&*event)) {
      if (refused->game_id == id && refused->command != "cancel-download") {
        failure = refused->reason;
        break;
      }
    }
  }
  runtime.shutdown();
  if (failure) {
    std::cerr << (bar ? "\n" : "") << "lanspread: " << id << ": " << *failure << '\n';
    return 1;
  }
  return 0;
}

}  // namespace lanspread::cli
