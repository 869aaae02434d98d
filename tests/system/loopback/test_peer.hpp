#pragma once

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "support/temp_dir.hpp"

// A peer runtime on loopback with its own folders and event queue, for
// tests with several peers in one process.
namespace lanspread::peer {

using namespace std::chrono_literals;
inline constexpr auto kTimeout = 10s;
inline constexpr auto kPeerTimeout = 1500ms;

inline const LibraryGame* find_game(const event::AggregatedLibraryChanged& view,
                                    std::string_view id) {
  const auto it = std::ranges::find(view.games, id, [](const auto& g) { return g.game.id; });
  return it == view.games.end() ? nullptr : &*it;
}

// One peer with its own folders and event queue.
class TestPeer {
 public:
  explicit TestPeer(std::filesystem::path root, std::uint16_t port = 0, std::string name = {})
      : root_(std::move(root)), port_(port), name_(std::move(name)) {
    std::filesystem::create_directories(games());
  }
  void add_game(const std::string& id, const std::string& version) {
    test::write_file(games() / id / "version.ini", version);
    test::write_file(games() / id / (id + ".zip"), "payload of " + id);
  }
  void start() {
    handle_.emplace(
        start_peer(games(), events.sink(), PeerGameDB{},
                   std::make_shared<install::LibarchiveUnpacker>(), Catalog::bundled(),
                   PeerOptions{.state_dir = root_ / "state",
                               .listen = {asio::ip::address_v4::loopback(), port_},
                               .rescan_delay = 10ms,
                               .liveness = {.ping_interval = 100ms,
                                            .peer_timeout = kPeerTimeout,
                                            .refused_retry = 300ms},
                               .download_source_grace = source_grace,
                               // Peers meet by address here; other tests' peers must stay unseen.
                               .mdns = std::nullopt,
                               .name = name_,
                               .party_key = party_key}));
    const auto listening = events.wait_for<event::Listening>(kTimeout);
    ASSERT_TRUE(listening);
    port_ = listening->port;
    id_ = listening->peer_id;
  }
  void stop() { handle_->shutdown(); }
  void send(PeerCommand command) { handle_->send(std::move(command)); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& id() const { return id_; }
  std::filesystem::path games() const { return root_ / "games"; }

  EventQueue events;
  // Short, so a test of every seeder leaving does not wait long.
  std::chrono::milliseconds source_grace = 1s;
  std::optional<PartyKey> party_key;  // the party passphrase's key, if any

 private:
  std::filesystem::path root_;
  std::uint16_t port_;
  std::string name_;
  std::string id_;
  std::optional<PeerRuntimeHandle> handle_;
};

}  // namespace lanspread::peer
