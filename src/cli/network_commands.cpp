#include "cli/network_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/human_format.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "peer/runtime/settings.hpp"

namespace lanspread::cli {
namespace {

// A private folder for the short-lived peer, removed when done.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    auto pattern = (std::filesystem::temp_directory_path() / "lanspread-look-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary folder in " + pattern);
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What the short-lived peer heard before the wait ran out.
struct NetworkView {
  std::map<std::string, std::string> peers;  // id -> address
  std::vector<peer::LibraryGame> games;      // titles peers offer
};

NetworkView listen_to_network(const GlobalOptions& options, std::chrono::milliseconds wait) {
  const auto state_dir = resolve_state_dir(options);
  const ScratchDirectory scratch;
  auto runtime_options = peer_options(options, scratch.path() / "state");
  // The scratch state has no settings: the user's remembered peers count too.
  const auto remembered = peer::load_settings(state_dir).peers;
  runtime_options.peers.insert(runtime_options.peers.end(), remembered.begin(), remembered.end());

  std::filesystem::create_directories(scratch.path() / "games");
  peer::EventQueue events;
  auto runtime = peer::start_peer(scratch.path() / "games", events.sink(), peer::PeerGameDB{},
                                  std::make_shared<peer::install::LibarchiveUnpacker>(),
                                  peer::Catalog::load(state_dir), std::move(runtime_options));

  NetworkView view;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    const auto event = events.pop(left);
    if (!event)
      break;
    if (const auto* found = std::get_if<peer::event::PeerDiscovered>(&*event)) {
      view.peers[found->peer_id] = found->address;
    } else if (const auto* lost = std::get_if<peer::event::PeerLost>(&*event)) {
      view.peers.erase(lost->peer_id);
    } else if (const auto* library = std::get_if<peer::event::AggregatedLibraryChanged>(&*event)) {
      view.games = library->games;
    }
  }
  runtime.shutdown();
  std::erase_if(view.games, [](const peer::LibraryGame& game) { return game.peer_count == 0; });
  return view;
}

}  // namespace

int run_list(const GlobalOptions& options, std::chrono::milliseconds wait) {
  const auto view = listen_to_network(options, wait);
  if (options.json) {
    for (const auto& game : view.games) {
      std::cout << nlohmann::json{{"id", game.game.id},
                                  {"name", game.game.name},
                                  {"version", game.game.version},
                                  {"size", game.game.size},
                                  {"peer_count", game.peer_count}}
                       .dump()
                << '\n';
    }
    return 0;
  }
  if (view.games.empty()) {
    std::cout << fmt::format("no games found on {} peer(s)\n", view.peers.size());
    return 0;
  }
  std::size_t width = 4;
  for (const auto& game : view.games)
    width = std::max(width, game.game.name.size() + game.game.id.size() + 3);
  std::cout << fmt::format("{:<{}}  {:<12}  {:>5}  {:>10}\n", "GAME", width, "VERSION", "PEERS",
                           "SIZE");
  for (const auto& game : view.games) {
    std::cout << fmt::format("{:<{}}  {:<12}  {:>5}  {:>10}\n",
                             game.game.name + " (" + game.game.id + ")", width, game.game.version,
                             game.peer_count, human_size(game.game.size));
  }
  return 0;
}

int run_peers(const GlobalOptions& options, std::chrono::milliseconds wait) {
  const auto view = listen_to_network(options, wait);
  if (options.json) {
    for (const auto& [id, address] : view.peers)
      std::cout << nlohmann::json{{"peer_id", id}, {"address", address}}.dump() << '\n';
    return 0;
  }
  if (view.peers.empty()) {
    std::cout << "no peers found\n";
    return 0;
  }
  std::cout << fmt::format("{:<64}  {}\n", "PEER", "ADDRESS");
  for (const auto& [id, address] : view.peers)
    std::cout << fmt::format("{:<64}  {}\n", id, address);
  return 0;
}

}  // namespace lanspread::cli
