#include "cli/serve_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "cli/human_format.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_json.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "platform/stop_requests.hpp"

namespace lanspread::cli {
namespace {

void log_event(const peer::PeerEvent& event) {
  if (const auto* library = std::get_if<peer::event::LocalLibraryChanged>(&event)) {
    spdlog::info("local library: {} game(s)", library->games.size());
    for (const auto& game : library->games) {
      spdlog::info("  {}: {}, version {}, {}", game.id, game_state(game),
                   game.version.empty() ? "-" : game.version, human_size(game.size));
    }
  } else if (const auto* found = std::get_if<peer::event::PeerDiscovered>(&event)) {
    spdlog::info("peer {} ({}) joined from {}", found->peer_id,
                 found->name.empty() ? "no name" : found->name, found->address);
  } else if (const auto* lost = std::get_if<peer::event::PeerLost>(&event)) {
    spdlog::info("peer {} left", lost->peer_id);
  } else if (const auto* failed = std::get_if<peer::event::CommandFailed>(&event)) {
    spdlog::error("{} failed: {}", failed->command, failed->reason);
  } else if (const auto* failure = std::get_if<peer::event::RuntimeFailure>(&event)) {
    spdlog::error("runtime failure: {}", failure->reason);
  }
}

}  // namespace

int run_serve(const GlobalOptions& options) {
  const auto state_dir = resolve_state_dir(options);
  const auto game_dir = resolve_game_dir(options, state_dir);
  std::error_code ec;
  if (options.games.empty())
    std::filesystem::create_directories(game_dir, ec);

  // Before any thread starts: on Linux every runtime thread inherits its
  // blocked SIGINT and SIGTERM, so this is their only receiver.
  platform::StopRequests stop;

  auto catalog = load_catalog(state_dir);
  if (!catalog)
    return fail(catalog.error());
  auto runtime_options = peer_options(options, state_dir);
  if (!runtime_options)
    return fail(runtime_options.error());
  spdlog::info("catalog: {} titles; state in {}", catalog->size(), utf8_of(state_dir));
  auto sink = [json = options.json](const peer::PeerEvent& event) {
    if (json) {
      std::cout << peer::to_json(event).dump() << std::endl;
    } else {
      log_event(event);
    }
  };
  auto peer = peer::start_peer(game_dir, sink, peer::PeerGameDB{},
                               std::make_shared<peer::install::LibarchiveUnpacker>(),
                               std::move(*catalog), std::move(*runtime_options));
  spdlog::info("sharing {}; press Ctrl-C to stop", utf8_of(game_dir));

  spdlog::info("stopping ({})",
               stop.wait() == platform::StopReason::Interrupted ? "interrupted" : "terminated");
  peer.shutdown();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace lanspread::cli
