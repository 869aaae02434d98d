#include <gtest/gtest.h>

#include <asio/io_context.hpp>

#include "peer/catalog/catalog.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/peer_runtime.hpp"
#include "peer/runtime/settings.hpp"
#include "peer/services/game_client.hpp"
#include "runtime_fixture.hpp"
#include "support/run_coroutine.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"
#include "transport/endpoint.hpp"
#include "transport/identity.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST_F(RuntimeTest, ReportsTheLibraryFoundAtStart) {
  test::write_file(games() / "cs16/version.ini", "20240315");
  test::write_file(games() / "cs16/cs16.rar", "payload");
  auto peer = start();
  const auto library = events_.wait_for<event::LocalLibraryChanged>(kTimeout);
  ASSERT_TRUE(library.has_value());
  ASSERT_EQ(library->games.size(), 1u);
  EXPECT_EQ(library->games[0].version, "20240315");

  peer.send(command::ListGames{});
  const auto view = events_.wait_for<event::AggregatedLibraryChanged>(kTimeout);
  ASSERT_TRUE(view.has_value());
  ASSERT_EQ(view->games.size(), 1u);
  EXPECT_EQ(view->games[0].game.name, "Counter-Strike 1.6");
  ASSERT_TRUE(view->games[0].local.has_value());
  EXPECT_TRUE(view->games[0].local->downloaded);
}

TEST_F(RuntimeTest, NoticesAGameAddedWhileRunning) {
  auto peer = start();
  test::write_file(games() / "quake3/q3.pk3", "data");
  test::write_file(games() / "quake3/version.ini", "1.32");
  const auto library = events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) {
        return has_game(e, "quake3") && e.games[0].downloaded;
      });
  ASSERT_TRUE(library.has_value());
  EXPECT_EQ(library->games[0].version, "1.32");

  if (test::running_under_wine()) {
    GTEST_SKIP() << "wine 8 removes a folder only when its last handle closes, and leaves the "
                    "watch holding one pending when the folder is deleted (Windows ends it with "
                    "STATUS_DELETE_PENDING), so the game folder never goes";
  }
  fs::remove_all(games() / "quake3");
  EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) { return e.games.empty(); }));
}

TEST_F(RuntimeTest, SharesTheLibraryOverQuic) {
  test::write_file(games() / "cs16/version.ini", "20240315");
  auto peer = start();
  const auto listening = events_.wait_for<event::Listening>(kTimeout);
  ASSERT_TRUE(listening.has_value());
  EXPECT_EQ(listening->peer_id.size(), 64u);
  ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(kTimeout));

  asio::io_context io;
  test::TempDir client_state;
  const auto identity = transport::load_or_create_identity(client_state.path()).value();
  transport::Endpoint client(
      io, identity, {.bind = {asio::ip::address_v4::loopback(), 0}, .accept_incoming = false});
  const auto response = test::run_coroutine(io, [&]() -> asio::awaitable<proto::Response> {
    auto connection = co_await client.connect({asio::ip::address_v4::loopback(), listening->port},
                                              listening->peer_id);
    const proto::Request list{.body = proto::ListGamesRequest{}};
    auto reply = co_await send_request(connection, list);
    co_return reply.response;
  }());
  const auto& games = std::get<proto::GamesResponse>(response).games;
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].id, "cs16");
  EXPECT_EQ(games[0].version, "20240315");
}

TEST_F(RuntimeTest, PeerCountIsZeroWithoutDiscovery) {
  auto peer = start();
  peer.send(command::GetPeerCount{});
  const auto count = events_.wait_for<event::PeerCount>(kTimeout);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->count, 0u);
}

TEST_F(RuntimeTest, InstallAndUninstallAreOperationsWithEvents) {
  test::write_file(games() / "cs16/version.ini", "20240315");
  fs::copy_file(std::string(LANSPREAD_TEST_ARCHIVES) + "/test_read_format_7zip_lzma2.7z",
                games() / "cs16/cs16.7z");
  auto peer = start();
  ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(kTimeout));

  peer.send(command::InstallGame{"cs16"});
  ASSERT_TRUE(events_.wait_for<event::InstallGameBegin>(kTimeout));
  const auto busy = events_.wait_for<event::ActiveOperationsChanged>(kTimeout);
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->operations.at("cs16"), OperationKind::Installing);
  ASSERT_TRUE(events_.wait_for<event::InstallGameFinished>(kTimeout));
  EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) {
        return !e.games.empty() && e.games[0].installed;
      }));
  EXPECT_TRUE(fs::is_directory(games() / "cs16/local"));

  peer.send(command::UninstallGame{"cs16"});
  ASSERT_TRUE(events_.wait_for<event::UninstallGameFinished>(kTimeout));
  EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) {
        return !e.games.empty() && !e.games[0].installed;
      }));

  peer.send(command::UninstallGame{"quake3"});  // not installed: a failure with a reason
  const auto failed = events_.wait_for<event::UninstallGameFailed>(kTimeout);
  ASSERT_TRUE(failed.has_value());
  EXPECT_FALSE(failed->reason.empty());
}

TEST_F(RuntimeTest, NetworkCommandsWithoutPeersAnswerClearly) {
  auto peer = start();
  ASSERT_TRUE(peer.send(command::GetGame{"cs16"}));
  const auto nobody = events_.wait_for<event::NoPeersHaveGame>(kTimeout);
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->game_id, "cs16");

  ASSERT_TRUE(peer.send(command::DownloadGameFiles{.game_id = "cs16"}));
  const auto failed = events_.wait_for<event::DownloadGameFilesFailed>(kTimeout);
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->reason.find("no peer has cs16"), std::string::npos) << failed->reason;

  ASSERT_TRUE(peer.send(command::CancelDownload{"cs16"}));
  const auto refused = events_.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->command, "cancel-download");

  ASSERT_TRUE(peer.send(command::GetGame{"not-a-game"}));
  const auto unknown = events_.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->reason.find("not a catalog game"), std::string::npos);
}

TEST_F(RuntimeTest, SetGameDirValidatesAndPersists) {
  auto peer = start();
  test::write_file(dir_ / "a-file", "x");
  for (const auto& bad : {dir_ / "missing", dir_ / "a-file", fs::path()}) {
    peer.send(command::SetGameDir{bad});
    const auto failed = events_.wait_for<event::CommandFailed>(kTimeout);
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->command, "set-game-dir");
    EXPECT_FALSE(failed->reason.empty());
  }
  EXPECT_TRUE(load_settings(dir_ / "state").game_dir.empty());

  test::write_file(dir_ / "other/factorio/version.ini", "2.0");
  peer.send(command::SetGameDir{dir_ / "other"});
  const auto changed = events_.wait_for<event::GameDirChanged>(kTimeout);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->path, dir_ / "other");
  EXPECT_EQ(load_settings(dir_ / "state").game_dir, dir_ / "other");
  EXPECT_TRUE(events_.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) { return has_game(e, "factorio"); }));
}

// Settings are written on the disk thread; a stop right after a change lets
// the write finish, so the next start has it.
TEST_F(RuntimeTest, SettingsChangedJustBeforeAStopSurviveTheRestart) {
  {
    auto peer = start();
    peer.send(command::SetRateLimits{{.upload_mbit = 5, .download_mbit = 7}});
    peer.send(command::AddPeer{"127.0.0.1:9"});
  }
  const auto settings = load_settings(dir_ / "state");
  EXPECT_EQ(settings.rate_limits, (RateLimits{.upload_mbit = 5, .download_mbit = 7}));
  EXPECT_EQ(settings.peers, std::vector<std::string>{"127.0.0.1:9"});

  while (events_.pop(0ms)) {
  }
  auto again = start();
  const auto limits = events_.wait_for<event::RateLimitsChanged>(kTimeout);
  ASSERT_TRUE(limits);
  EXPECT_EQ(limits->limits, (RateLimits{.upload_mbit = 5, .download_mbit = 7}));
}

TEST_F(RuntimeTest, TwoQuickChangesOfASettingKeepTheLast) {
  fs::create_directories(dir_ / "first");
  fs::create_directories(dir_ / "second");
  {
    auto peer = start();
    peer.send(command::SetRateLimits{{.upload_mbit = 1, .download_mbit = 2}});
    peer.send(command::SetRateLimits{{.upload_mbit = 3, .download_mbit = 4}});
    peer.send(command::SetGameDir{dir_ / "first"});
    peer.send(command::SetGameDir{dir_ / "second"});
    peer.send(command::SetPassphrase{"lan party 2026"});
    peer.send(command::SetPassphrase{std::nullopt});
    const auto folder = events_.wait_for<event::GameDirChanged>(
        kTimeout, [this](const auto& e) { return e.path == dir_ / "second"; });
    ASSERT_TRUE(folder);
    const auto passphrase =
        events_.wait_for<event::PassphraseChanged>(kTimeout, [](const auto& e) { return !e.set; });
    ASSERT_TRUE(passphrase);
  }
  const auto settings = load_settings(dir_ / "state");
  EXPECT_EQ(settings.rate_limits, (RateLimits{.upload_mbit = 3, .download_mbit = 4}));
  EXPECT_EQ(settings.game_dir, dir_ / "second");
  EXPECT_FALSE(settings.party_key);
}

// The one guard of game commands: a game outside the catalog is refused with
// CommandFailed naming the command, and nothing starts.
TEST_F(RuntimeTest, GameCommandsOnAGameOutsideTheCatalogAreRefused) {
  auto peer = start();
  ASSERT_TRUE(events_.wait_for<event::LocalLibraryChanged>(kTimeout));
  const std::vector<PeerCommand> commands = {command::RemoveDownloadedGame{"not-a-game"},
                                             command::InstallGame{"not-a-game"},
                                             command::UninstallGame{"not-a-game"},
                                             command::DownloadGameFiles{"not-a-game"},
                                             command::GetGame{"not-a-game"},
                                             command::FetchLatestFromPeers{"not-a-game"}};
  for (const auto& c : commands)
    peer.send(c);
  peer.send(command::GetPeerCount{});
  std::vector<std::string> refused;
  for (;;) {
    auto next = events_.pop(kTimeout);
    ASSERT_TRUE(next) << "no answer to GetPeerCount";
    if (std::holds_alternative<event::PeerCount>(*next))
      break;
    if (const auto* failed = std::get_if<event::CommandFailed>(&*next)) {
      EXPECT_EQ(failed->game_id, "not-a-game");
      EXPECT_NE(failed->reason.find("not a catalog game"), std::string::npos) << failed->reason;
      refused.push_back(failed->command);
      continue;
    }
    // Only the library reports of the start may come in between.
    EXPECT_TRUE(std::holds_alternative<event::AggregatedLibraryChanged>(*next) ||
                std::holds_alternative<event::LocalLibraryChanged>(*next))
        << event_name(*next);
  }
  EXPECT_EQ(refused, (std::vector<std::string>{"remove-downloaded-game", "install-game",
                                               "uninstall-game", "download-game-files", "get-game",
                                               "fetch-latest-from-peers"}));
}

TEST(Settings, UnreadableSettingsAreIgnoredNotFatal) {
  test::TempDir dir;
  test::write_file(dir.path() / "bad-json/settings.json", "{\"game_dir\": ");
  fs::create_directories(dir.path() / "a-folder/settings.json");
  for (const auto* state : {"bad-json", "a-folder"}) {
    const auto settings = load_settings(dir.path() / state);
    EXPECT_TRUE(settings.game_dir.empty()) << state;
    EXPECT_TRUE(settings.peers.empty()) << state;
  }
}

TEST_F(RuntimeTest, StartRefusesAMissingGameFolder) {
  EXPECT_THROW(start_peer(dir_ / "missing", events_.sink(), PeerGameDB{},
                          std::make_shared<install::LibarchiveUnpacker>(), Catalog::bundled(),
                          PeerOptions{.state_dir = dir_ / "state"}),
               std::invalid_argument);
  fs::create_directories(games());
  EXPECT_THROW(start_peer(games(), events_.sink(), PeerGameDB{},
                          std::make_shared<install::LibarchiveUnpacker>(), Catalog::bundled(),
                          PeerOptions{}),
               std::invalid_argument);
}

}  // namespace
}  // namespace lanspread::peer
