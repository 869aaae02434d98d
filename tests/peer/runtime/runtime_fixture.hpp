#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <asio/ip/address_v4.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string_view>

#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::peer {

// One peer runtime on loopback without discovery, in a folder of its own.
inline constexpr auto kTimeout = std::chrono::seconds(10);

inline bool has_game(const event::LocalLibraryChanged& e, std::string_view id) {
  return std::any_of(e.games.begin(), e.games.end(),
                     [&](const LocalGame& g) { return g.id == id; });
}

class RuntimeTest : public ::testing::Test {
 protected:
  PeerRuntimeHandle start() {
    std::filesystem::create_directories(games());
    return start_peer(games(), events_.sink(), PeerGameDB{},
                      std::make_shared<install::LibarchiveUnpacker>(), Catalog::bundled(),
                      PeerOptions{.state_dir = dir_ / "state",
                                  .listen = {asio::ip::address_v4::loopback(), 0},
                                  .rescan_delay = std::chrono::milliseconds(10),
                                  .mdns = std::nullopt});
  }
  std::filesystem::path games() const { return dir_ / "games"; }

  test::TempDir dir_;
  EventQueue events_;
};

}  // namespace lanspread::peer
