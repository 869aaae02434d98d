#include "cli/network_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "cli/human_format.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "peer/runtime/settings.hpp"
#include "platform/temp_folder.hpp"

namespace lanspread::cli {
namespace {

// A private folder for the short-lived peer, removed when done.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const auto parent = std::filesystem::temp_directory_path();
    auto created = platform::create_temp_folder(parent, "lanspread-look-");
    if (!created)
      throw std::runtime_error("cannot create a temporary folder in " + utf8_of(parent) + ": " +
                               created.error().message());
    path_ = std::move(*created);
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

struct SeenPeer {
  std::string address;
  std::string name;
  std::optional<std::string> previous_peer_id;  // its name went by another key before
};

// What the short-lived peer heard before the wait ran out.
struct NetworkView {
  std::map<std::string, SeenPeer> peers;  // by peer id
  std::vector<peer::LibraryGame> games;   // titles peers offer
  std::vector<std::string> refusals;      // failed passphrase checks
};

Result<NetworkView> listen_to_network(const GlobalOptions& options,
                                      std::chrono::milliseconds wait) {
  const auto state_dir = resolve_state_dir(options);
  const ScratchDirectory scratch;
  auto runtime_options = peer_options(options, scratch.path() / "state");
  if (!runtime_options)
    return runtime_options.error();
  // The scratch state has no settings: the user's remembered peers count too.
  const auto remembered = peer::load_settings(state_dir).peers;
  runtime_options->peers.insert(runtime_options->peers.end(), remembered.begin(), remembered.end());
  // The user's passphrase and known names count too.
  if (!runtime_options->party_key)
    runtime_options->party_key = peer::load_settings(state_dir).party_key;
  runtime_options->known_peers_file = state_dir / "known_peers.json";

  std::filesystem::create_directories(scratch.path() / "games");
  auto catalog = load_catalog(state_dir);
  if (!catalog)
    return catalog.error();
  peer::EventQueue events;
  auto runtime = peer::start_peer(scratch.path() / "games", events.sink(), peer::PeerGameDB{},
                                  std::make_shared<peer::install::LibarchiveUnpacker>(),
                                  std::move(*catalog), std::move(*runtime_options));

  NetworkView view;
  std::vector<std::pair<std::string, std::string>> changes;  // new id, old id
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
      auto& seen = view.peers[found->peer_id];
      seen.address = found->address;
      seen.name = found->name;
      for (const auto& [id, other] : changes) {
        if (id == found->peer_id)
          seen.previous_peer_id = other;
      }
    } else if (const auto* change = std::get_if<peer::event::PeerIdentityChanged>(&*event)) {
      changes.emplace_back(change->new_peer_id, change->old_peer_id);
      if (const auto it = view.peers.find(change->new_peer_id); it != view.peers.end())
        it->second.previous_peer_id = change->old_peer_id;
    } else if (const auto* refused = std::get_if<peer::event::PeerAuthenticationFailed>(&*event)) {
      view.refusals.push_back("peer " + refused->peer_id.substr(0, 16) + ": " + refused->reason);
    } else if (const auto* lost = std::get_if<peer::event::PeerLost>(&*event)) {
      view.peers.erase(lost->peer_id);
    } else if (const auto* library = std::get_if<peer::event::AggregatedLibraryChanged>(&*event)) {
      view.games = library->games;
    }
  }
  runtime.shutdown();
  for (const auto& refusal : view.refusals)
    std::cerr << "lanspread: " << refusal << '\n';
  std::erase_if(view.games, [](const peer::LibraryGame& game) { return game.peer_count == 0; });
  return view;
}

// Enough of a fingerprint to tell peers apart at a glance; --json has all.
std::string short_peer_id(const std::string& id) {
  return id.substr(0, 16);
}

}  // namespace

int run_list(const GlobalOptions& options, std::chrono::milliseconds wait) {
  const auto listened = listen_to_network(options, wait);
  if (!listened)
    return fail(listened.error());
  const auto& view = *listened;
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
  const auto listened = listen_to_network(options, wait);
  if (!listened)
    return fail(listened.error());
  const auto& view = *listened;
  if (options.json) {
    for (const auto& [id, seen] : view.peers) {
      std::cout << nlohmann::json{{"peer_id", id},
                                  {"name", seen.name},
                                  {"address", seen.address},
                                  {"previous_peer_id", seen.previous_peer_id
                                                           ? nlohmann::json(*seen.previous_peer_id)
                                                           : nlohmann::json(nullptr)}}
                       .dump()
                << '\n';
    }
    return 0;
  }
  if (view.peers.empty()) {
    std::cout << "no peers found\n";
    return 0;
  }
  std::size_t width = 4;
  for (const auto& [id, seen] : view.peers)
    width = std::max(width, seen.name.size());
  std::cout << fmt::format("{:<{}}  {:<16}  {}\n", "NAME", width, "PEER", "ADDRESS");
  for (const auto& [id, seen] : view.peers) {
    std::cout << fmt::format(
        "{:<{}}  {:<16}  {}{}\n", seen.name, width, short_peer_id(id), seen.address,
        seen.previous_peer_id ? "  KEY CHANGED (was " + short_peer_id(*seen.previous_peer_id) + ")"
                              : "");
  }
  return 0;
}

}  // namespace lanspread::cli
