#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"
#include "system/loopback/test_peer.hpp"

// The party passphrase between peer runtimes over real QUIC on loopback:
// with the same passphrase peers list and download; with a wrong or missing
// one on either side both report the clear error, list nothing and download
// nothing; without one on both sides they work as before. Also the known
// peers record that flags a name turning up with another key.
namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

const PartyKey& party_key() {
  static const PartyKey key = PartyKey::derive("lan party 2026").value();
  return key;
}
const PartyKey& other_key() {
  static const PartyKey key = PartyKey::derive("lan party 2025").value();
  return key;
}

class PartyPassphraseTest : public ::testing::Test {
 protected:
  void start(std::optional<PartyKey> seeder_key, std::optional<PartyKey> downloader_key) {
    seeder_.party_key = std::move(seeder_key);
    downloader_.party_key = std::move(downloader_key);
    seeder_.add_game("cs16", "1");
    seeder_.start();
    downloader_.start();
    downloader_.send(command::AddPeer{seeder_.address()});
  }

  // Both sides report the refusal, and the downloader never counts the
  // seeder as a peer nor sees its game, so a download finds no source.
  void expect_refused_both_ways() {
    std::optional<event::PeerAuthenticationFailed> refused;
    for (;;) {
      auto event = downloader_.events.pop(kTimeout);
      ASSERT_TRUE(event) << "the downloader never reported the refusal";
      EXPECT_FALSE(std::holds_alternative<event::PeerDiscovered>(*event));
      if (const auto* view = std::get_if<event::AggregatedLibraryChanged>(&*event)) {
        const auto* game = find_game(*view, "cs16");
        EXPECT_TRUE(game == nullptr || game->peer_count == 0);
      }
      if (auto* failed = std::get_if<event::PeerAuthenticationFailed>(&*event)) {
        refused = *failed;
        break;
      }
    }
    EXPECT_EQ(refused->peer_id, seeder_.id());
    EXPECT_TRUE(refused->reason.starts_with("wrong or missing passphrase")) << refused->reason;

    const auto server_side = seeder_.events.wait_for<event::PeerAuthenticationFailed>(kTimeout);
    ASSERT_TRUE(server_side) << "the seeder never reported the refusal";
    EXPECT_EQ(server_side->peer_id, downloader_.id());
    EXPECT_TRUE(server_side->reason.starts_with("wrong or missing passphrase"))
        << server_side->reason;

    downloader_.send(command::DownloadGameFiles{.game_id = "cs16", .install = false});
    for (;;) {
      auto event = downloader_.events.pop(kTimeout);
      ASSERT_TRUE(event) << "the download neither failed nor finished";
      EXPECT_FALSE(std::holds_alternative<event::PeerDiscovered>(*event));
      EXPECT_FALSE(std::holds_alternative<event::DownloadGameFilesFinished>(*event));
      if (std::holds_alternative<event::DownloadGameFilesFailed>(*event))
        break;
    }
    EXPECT_FALSE(fs::exists(downloader_.games() / "cs16/cs16.zip"));
  }

  void expect_listed_and_downloaded() {
    const auto found = downloader_.events.wait_for<event::PeerDiscovered>(kTimeout);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->peer_id, seeder_.id());
    EXPECT_EQ(found->name, "seeder-box");
    ASSERT_TRUE(downloader_.events.wait_for<event::AggregatedLibraryChanged>(
        kTimeout, [](const auto& view) {
          const auto* game = find_game(view, "cs16");
          return game != nullptr && game->peer_count == 1;
        }));
    downloader_.send(command::DownloadGameFiles{.game_id = "cs16", .install = false});
    ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesFinished>(kTimeout));
    EXPECT_EQ(test::read_file(downloader_.games() / "cs16/cs16.zip"), "payload of cs16");
  }

  test::TempDir dir_;
  TestPeer seeder_{dir_ / "seeder", 0, "seeder-box"};
  TestPeer downloader_{dir_ / "downloader", 0, "downloader-box"};
};

TEST_F(PartyPassphraseTest, TheSamePassphraseListsAndDownloads) {
  start(party_key(), party_key());
  expect_listed_and_downloaded();
}

TEST_F(PartyPassphraseTest, NoPassphraseOnEitherSideWorksAsBefore) {
  start(std::nullopt, std::nullopt);
  expect_listed_and_downloaded();
}

TEST_F(PartyPassphraseTest, AWrongPassphraseIsRefusedOnBothSides) {
  start(party_key(), other_key());
  expect_refused_both_ways();
}

TEST_F(PartyPassphraseTest, ADownloaderWithoutThePassphraseIsRefused) {
  start(party_key(), std::nullopt);
  expect_refused_both_ways();
}

TEST_F(PartyPassphraseTest, ASeederWithoutAPassphraseIsRefusedByOneWithIt) {
  start(std::nullopt, party_key());
  expect_refused_both_ways();
}

TEST_F(PartyPassphraseTest, SettingThePassphraseLetsARefusedPeerIn) {
  start(party_key(), std::nullopt);
  ASSERT_TRUE(downloader_.events.wait_for<event::PeerAuthenticationFailed>(kTimeout));
  downloader_.send(command::SetPassphrase{"lan party 2026"});
  const auto changed = downloader_.events.wait_for<event::PassphraseChanged>(kTimeout);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(changed->set);
  expect_listed_and_downloaded();
  // Only the key is remembered, in a file only its owner may read.
  const auto settings = dir_ / "downloader/state/settings.json";
  const auto text = test::read_file(settings);
  EXPECT_EQ(text.find("lan party 2026"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text).at("party_key"), party_key().hex());
  // On Windows the state folder's access list keeps it to its owner
  // (platform::restrict_to_owner); there are no mode bits to check.
#ifndef _WIN32
  EXPECT_EQ(fs::status(settings).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
#endif
}

TEST_F(PartyPassphraseTest, ANameThatComesBackWithAnotherKeyIsFlagged) {
  start(std::nullopt, std::nullopt);
  ASSERT_TRUE(downloader_.events.wait_for<event::PeerDiscovered>(kTimeout));
  const auto first_id = seeder_.id();
  seeder_.stop();
  ASSERT_TRUE(downloader_.events.wait_for<event::PeerLost>(kTimeout));

  // Same name, new state folder: a new key.
  TestPeer impostor(dir_ / "impostor", 0, "seeder-box");
  impostor.start();
  downloader_.send(command::AddPeer{impostor.address()});
  const auto changed = downloader_.events.wait_for<event::PeerIdentityChanged>(kTimeout);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "seeder-box");
  EXPECT_EQ(changed->old_peer_id, first_id);
  EXPECT_EQ(changed->new_peer_id, impostor.id());
  const auto found = downloader_.events.wait_for<event::PeerDiscovered>(kTimeout);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->peer_id, impostor.id());
  EXPECT_EQ(found->name, "seeder-box");

  // Written on the disk thread; a stop lets the write finish.
  downloader_.stop();
  const auto known =
      nlohmann::json::parse(test::read_file(dir_ / "downloader/state/known_peers.json"));
  EXPECT_EQ(known.at("names").at("seeder-box"), impostor.id());
}

TEST_F(PartyPassphraseTest, TwoPeersOnlineUnderOneNameAreTwoPeersNotAChangedKey) {
  start(std::nullopt, std::nullopt);
  ASSERT_TRUE(downloader_.events.wait_for<event::PeerDiscovered>(kTimeout));

  // A second machine with the same name while the first is still there.
  TestPeer twin(dir_ / "twin", 0, "seeder-box");
  twin.start();
  downloader_.send(command::AddPeer{twin.address()});
  // A peer is admitted (and a changed key flagged) before it is reported
  // found, so any flag shows up before this event.
  for (;;) {
    auto event = downloader_.events.pop(kTimeout);
    ASSERT_TRUE(event) << "the twin was never found";
    EXPECT_FALSE(std::holds_alternative<event::PeerIdentityChanged>(*event));
    const auto* found = std::get_if<event::PeerDiscovered>(&*event);
    if (found != nullptr && found->peer_id == twin.id()) {
      EXPECT_EQ(found->name, "seeder-box");
      break;
    }
  }
  downloader_.stop();  // lets the disk thread finish its writes
  const auto known =
      nlohmann::json::parse(test::read_file(dir_ / "downloader/state/known_peers.json"));
  EXPECT_EQ(known.at("names").at("seeder-box"), seeder_.id());
}

}  // namespace
}  // namespace lanspread::peer
