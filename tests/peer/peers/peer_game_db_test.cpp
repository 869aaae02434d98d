#include "peer/peers/peer_game_db.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "peer/catalog/catalog.hpp"

namespace lanspread::peer {
namespace {

asio::ip::udp::endpoint address(std::uint16_t port) {
  return {asio::ip::address_v4::loopback(), port};
}

proto::Game offer(std::string id, std::string version, std::uint64_t size = 100) {
  return proto::Game{.id = std::move(id),
                     .name = "whatever the peer says",
                     .size = size,
                     .version = std::move(version)};
}

std::vector<proto::GameFileDescription> manifest(std::uint64_t size) {
  return {proto::GameFileDescription{.game_id = "cs16", .relative_path = "cs16.rar", .size = size}};
}

class PeerGameDBTest : public ::testing::Test {
 protected:
  void add(const std::string& id, std::vector<proto::Game> games) {
    db_.add_peer(id, address(static_cast<std::uint16_t>(1000 + db_.peer_count())));
    db_.set_games(id, std::move(games));
  }
  const LibraryGame* merged(std::string_view id, const LocalLibrary& local = {}) {
    library_ = db_.merged_library(local, catalog_);
    const auto it = std::ranges::find(library_, id, [](const auto& g) { return g.game.id; });
    return it == library_.end() ? nullptr : &*it;
  }

  Catalog catalog_ = Catalog::bundled();
  PeerGameDB db_;
  std::vector<LibraryGame> library_;
};

TEST_F(PeerGameDBTest, TracksTheLatestVersionAndWhoHasIt) {
  add("a", {offer("cs16", "1.9")});
  add("b", {offer("cs16", "1.10")});
  add("c", {offer("cs16", "1.10"), offer("quake3", "1")});
  EXPECT_EQ(db_.latest_version("cs16"), "1.10");
  EXPECT_EQ(db_.peers_with_latest("cs16"), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(db_.peers_with_latest("quake3"), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(db_.latest_version("unreal"));
  EXPECT_TRUE(db_.peers_with_latest("unreal").empty());
}

TEST_F(PeerGameDBTest, AddingAKnownPeerOnlyUpdatesItsAddress) {
  EXPECT_TRUE(db_.add_peer("a", address(1)));
  db_.set_games("a", {offer("cs16", "1")});
  EXPECT_FALSE(db_.add_peer("a", address(2)));
  EXPECT_EQ(db_.find("a")->address, address(2));
  EXPECT_EQ(db_.find("a")->games.size(), 1u);
  EXPECT_EQ(db_.peer_count(), 1u);
}

TEST_F(PeerGameDBTest, APrunedPeersDataIsForgotten) {
  add("a", {offer("cs16", "2")});
  add("b", {offer("cs16", "1")});
  db_.set_manifest("a", "cs16", manifest(5));
  EXPECT_TRUE(db_.remove_peer("a"));
  EXPECT_FALSE(db_.remove_peer("a"));
  EXPECT_EQ(db_.find("a"), nullptr);
  EXPECT_EQ(db_.latest_version("cs16"), "1");
  EXPECT_FALSE(db_.agreed_manifest("cs16"));
  db_.set_games("a", {offer("cs16", "3")});  // a late answer from a pruned peer
  EXPECT_EQ(db_.latest_version("cs16"), "1");
}

TEST_F(PeerGameDBTest, AManifestIsForgottenWhenItsVersionChanges) {
  add("a", {offer("cs16", "1"), offer("quake3", "1")});
  db_.set_manifest("a", "cs16", manifest(5));
  db_.set_games("a", {offer("cs16", "1"), offer("quake3", "1")});
  EXPECT_TRUE(db_.find("a")->manifests.contains("cs16"));
  db_.set_games("a", {offer("cs16", "2")});
  EXPECT_FALSE(db_.find("a")->manifests.contains("cs16"));
  db_.set_manifest("a", "quake3", manifest(5));  // no longer offered: ignored
  EXPECT_FALSE(db_.find("a")->manifests.contains("quake3"));
}

TEST_F(PeerGameDBTest, TheManifestMostLatestPeersAgreeOnWins) {
  add("a", {offer("cs16", "2")});
  add("b", {offer("cs16", "2")});
  add("c", {offer("cs16", "2")});
  add("d", {offer("cs16", "1")});
  db_.set_manifest("a", "cs16", manifest(7));
  db_.set_manifest("b", "cs16", manifest(9));
  db_.set_manifest("c", "cs16", manifest(9));
  db_.set_manifest("d", "cs16", manifest(9));  // an older version does not vote
  const auto agreed = db_.agreed_manifest("cs16");
  ASSERT_TRUE(agreed);
  EXPECT_EQ(agreed->version, "2");
  EXPECT_EQ(agreed->files, manifest(9));
  EXPECT_EQ(agreed->peers, (std::vector<std::string>{"b", "c"}));
}

TEST_F(PeerGameDBTest, ATieGoesToTheSmallestPeerId) {
  add("b", {offer("cs16", "2")});
  add("a", {offer("cs16", "2")});
  db_.set_manifest("b", "cs16", manifest(9));
  db_.set_manifest("a", "cs16", manifest(7));
  const auto agreed = db_.agreed_manifest("cs16");
  ASSERT_TRUE(agreed);
  EXPECT_EQ(agreed->peers, (std::vector<std::string>{"a"}));
}

TEST_F(PeerGameDBTest, TheMergedLibraryShowsCatalogMetadataAndTheCommonSize) {
  add("a", {offer("cs16", "2", 500)});
  add("b", {offer("cs16", "2", 700)});
  add("c", {offer("cs16", "2", 700)});
  add("d", {offer("cs16", "1", 900), offer("not-in-our-catalog", "1")});
  const auto* game = merged("cs16");
  ASSERT_NE(game, nullptr);
  EXPECT_EQ(game->game.name, catalog_.find("cs16")->name);
  EXPECT_EQ(game->game.version, "2");
  EXPECT_EQ(game->game.size, 700u);
  EXPECT_EQ(game->peer_count, 3u);
  EXPECT_FALSE(game->local);
  EXPECT_FALSE(game->update_available);
  EXPECT_EQ(merged("not-in-our-catalog"), nullptr);
}

TEST_F(PeerGameDBTest, TheMergedLibraryIncludesTitlesOnlyThisMachineHas) {
  const LocalLibrary local = {
      {"quake3", LocalGame{.id = "quake3", .downloaded = true, .version = "1.32", .size = 42}}};
  const auto* game = merged("quake3", local);
  ASSERT_NE(game, nullptr);
  EXPECT_EQ(game->peer_count, 0u);
  EXPECT_EQ(game->game.version, "1.32");
  EXPECT_EQ(game->game.size, 42u);
  ASSERT_TRUE(game->local);
  EXPECT_TRUE(game->local->downloaded);
}

TEST_F(PeerGameDBTest, ANewerVersionOnAPeerIsAnUpdate) {
  add("a", {offer("cs16", "20240301")});
  const LocalLibrary older = {
      {"cs16", LocalGame{.id = "cs16", .downloaded = true, .version = "20240101"}}};
  const auto* game = merged("cs16", older);
  ASSERT_NE(game, nullptr);
  EXPECT_TRUE(game->update_available);
  EXPECT_EQ(game->game.version, "20240301");
  EXPECT_EQ(game->peer_count, 1u);

  const LocalLibrary newer = {
      {"cs16", LocalGame{.id = "cs16", .downloaded = true, .version = "20240401", .size = 3}}};
  game = merged("cs16", newer);
  ASSERT_NE(game, nullptr);
  EXPECT_FALSE(game->update_available);
  EXPECT_EQ(game->game.version, "20240401");
  EXPECT_EQ(game->peer_count, 0u);
}

TEST_F(PeerGameDBTest, TheMergedLibraryIsSortedByName) {
  add("a", {offer("quake3", "1"), offer("cs16", "1")});
  library_ = db_.merged_library({}, catalog_);
  ASSERT_EQ(library_.size(), 2u);
  EXPECT_LT(library_[0].game.name, library_[1].game.name);
}

}  // namespace
}  // namespace lanspread::peer
