#include "app/app_state.hpp"

#include <gtest/gtest.h>

namespace lanspread::app {
namespace {

using nlohmann::json;

std::vector<std::string> names(const std::vector<json>& events) {
  std::vector<std::string> result;
  for (const auto& event : events)
    result.push_back(event["event"]);
  return result;
}

peer::LocalGame downloaded(const std::string& id, const std::string& version) {
  return peer::LocalGame{.id = id, .downloaded = true, .version = version, .size = 100};
}

TEST(AppState, LocalGamesGetCatalogMetadata) {
  AppState state(peer::Catalog::bundled());
  const auto events = state.apply(peer::event::LocalLibraryChanged{
      {downloaded("cs16", "1"), downloaded("not-in-catalog", "1")}});
  ASSERT_EQ(names(events), std::vector<std::string>{"games-list-updated"});
  const auto games = state.snapshot()["games"];
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0]["name"], "Counter-Strike 1.6");
  EXPECT_EQ(games[0]["genre"], "Tactical shooter");
  EXPECT_EQ(games[0]["local"]["downloaded"], true);
  EXPECT_EQ(games[0]["peer_count"], 0);
}

TEST(AppState, LocalChangesKeepWhatPeersOffer) {
  AppState state(peer::Catalog::bundled());
  peer::LibraryGame on_network{.game = {.id = "quake3", .name = "Quake III Arena"},
                               .peer_count = 2};
  state.apply(peer::event::AggregatedLibraryChanged{{on_network}});
  state.apply(peer::event::LocalLibraryChanged{{downloaded("cs16", "1")}});
  auto games = state.snapshot()["games"];
  ASSERT_EQ(games.size(), 2u);
  // Once this machine no longer has cs16 it leaves the view; quake3 stays.
  state.apply(peer::event::LocalLibraryChanged{{}});
  games = state.snapshot()["games"];
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0]["id"], "quake3");
  EXPECT_EQ(games[0]["peer_count"], 2);
}

TEST(AppState, OnlyOperationSnapshotsMarkAGameBusy) {
  AppState state(peer::Catalog::bundled());
  state.apply(peer::event::InstallGameBegin{"cs16"});
  EXPECT_EQ(state.operation("cs16"), std::nullopt);
  state.apply(peer::event::ActiveOperationsChanged{{{"cs16", peer::OperationKind::Installing}}});
  EXPECT_EQ(state.operation("cs16"), peer::OperationKind::Installing);
  state.apply(peer::event::InstallGameFinished{"cs16"});
  EXPECT_EQ(state.operation("cs16"), peer::OperationKind::Installing);
  state.apply(peer::event::ActiveOperationsChanged{{}});
  EXPECT_EQ(state.operation("cs16"), std::nullopt);
  EXPECT_EQ(state.snapshot()["operations"], json::object());
}

TEST(AppState, FailureIsKeptUntilTheNextAttempt) {
  AppState state(peer::Catalog::bundled());
  const auto failed = state.apply(peer::event::InstallGameFailed{"cs16", "disk full"});
  EXPECT_EQ(names(failed), (std::vector<std::string>{"game-install-failed", "failure"}));
  EXPECT_EQ(failed[1]["operation"], "install");
  EXPECT_EQ(state.snapshot()["failures"]["cs16"]["reason"], "disk full");
  const auto retried = state.apply(peer::event::InstallGameBegin{"cs16"});
  EXPECT_EQ(names(retried), (std::vector<std::string>{"game-install-begin", "failure-dismissed"}));
  EXPECT_EQ(state.snapshot()["failures"], json::object());
}

TEST(AppState, CancelledDownloadIsNoFailure) {
  AppState state(peer::Catalog::bundled());
  state.apply(peer::event::DownloadGameFilesBegin{"cs16"});
  state.apply(peer::event::DownloadGameFilesProgress{"cs16", 10, 100, 5, 2});
  EXPECT_EQ(state.snapshot()["downloads"]["cs16"]["peers_streaming"], 2);
  const auto cancelled = state.apply(peer::event::DownloadGameFilesCancelled{"cs16"});
  EXPECT_EQ(names(cancelled), std::vector<std::string>{"game-download-cancelled"});
  EXPECT_EQ(state.snapshot()["downloads"], json::object());
  EXPECT_EQ(state.snapshot()["failures"], json::object());

  state.apply(peer::event::DownloadGameFilesBegin{"cs16"});
  const auto failed = state.apply(peer::event::DownloadGameFilesFailed{"cs16", "peer left"});
  EXPECT_EQ(names(failed), (std::vector<std::string>{"game-download-failed", "failure"}));
  EXPECT_EQ(state.snapshot()["failures"]["cs16"]["operation"], "download");
}

TEST(AppState, CommandFailuresGoToTheGameOrTheNotices) {
  AppState state(peer::Catalog::bundled());
  state.apply(peer::event::CommandFailed{"get-game", "cs16", "not available yet"});
  state.apply(peer::event::CommandFailed{"set-game-dir", "", "not writable"});
  state.apply(peer::event::NoPeersHaveGame{"quake3"});
  const auto snapshot = state.snapshot();
  EXPECT_EQ(snapshot["failures"]["cs16"]["operation"], "get-game");
  EXPECT_EQ(snapshot["failures"]["quake3"]["operation"], "download");
  EXPECT_EQ(snapshot["notices"], json::array({"set-game-dir: not writable"}));
}

TEST(AppState, ARefusedGameCommandFailsLikeItsOperation) {
  AppState state(peer::Catalog::bundled());
  const auto refused = state.apply(
      peer::event::CommandFailed{"install-game", "cs16", "another operation is running on cs16"});
  EXPECT_EQ(names(refused), (std::vector<std::string>{"command-failed", "failure"}));
  EXPECT_EQ(refused[1]["operation"], "install");
  state.apply(peer::event::CommandFailed{"uninstall-game", "quake3", "busy"});
  state.apply(peer::event::CommandFailed{"download-game-files", "openttd", "busy"});
  state.apply(peer::event::CommandFailed{"remove-downloaded-game", "factorio", "busy"});
  const auto failures = state.snapshot()["failures"];
  EXPECT_EQ(failures["quake3"]["operation"], "uninstall");
  EXPECT_EQ(failures["openttd"]["operation"], "download");
  EXPECT_EQ(failures["factorio"]["operation"], "remove-downloaded-game");
}

TEST(AppState, PeersComeAndGo) {
  AppState state(peer::Catalog::bundled());
  state.apply(peer::event::PeerDiscovered{"abc", "10.0.0.2:4000"});
  state.apply(peer::event::PeerDiscovered{"def", "10.0.0.3:4000", "lan-box"});
  EXPECT_EQ(state.snapshot()["peer_count"], 2);
  const auto lost = state.apply(peer::event::PeerLost{"abc"});
  EXPECT_EQ(names(lost), std::vector<std::string>{"peer-lost"});
  const auto snapshot = state.snapshot();
  EXPECT_EQ(snapshot["peer_count"], 1);
  EXPECT_EQ(snapshot["peers"], json::array({{{"peer_id", "def"},
                                             {"address", "10.0.0.3:4000"},
                                             {"name", "lan-box"},
                                             {"previous_peer_id", nullptr}}}));
}

TEST(AppState, APeerWhoseNameChangedKeysIsFlagged) {
  AppState state(peer::Catalog::bundled());
  const auto changed = state.apply(peer::event::PeerIdentityChanged{"lan-box", "old", "new"});
  EXPECT_EQ(names(changed), std::vector<std::string>{"peer-identity-changed"});
  const auto found = state.apply(peer::event::PeerDiscovered{"new", "10.0.0.3:4000", "lan-box"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["previous_peer_id"], "old");
  state.apply(peer::event::PeerDiscovered{"other", "10.0.0.4:4000", "other-box"});
  const auto peers = state.snapshot()["peers"];
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0]["peer_id"], "new");
  EXPECT_EQ(peers[0]["previous_peer_id"], "old");
  EXPECT_TRUE(peers[1]["previous_peer_id"].is_null());

  const auto refused = state.apply(peer::event::PeerAuthenticationFailed{
      "abcdef0123456789", "wrong or missing passphrase: the peer has no passphrase set"});
  EXPECT_EQ(names(refused), std::vector<std::string>{"peer-authentication-failed"});
  EXPECT_EQ(state.snapshot()["notices"].back(),
            "peer abcdef012345: wrong or missing passphrase: the peer has no passphrase set");
}

TEST(AppState, InstallProgressLastsUntilTheInstallEnds) {
  AppState state(peer::Catalog::bundled());
  state.apply(peer::event::InstallGameBegin{"cs16"});
  const auto progress = state.apply(peer::event::InstallGameProgress{"cs16", 30, 120});
  ASSERT_EQ(names(progress), std::vector<std::string>{"game-install-progress"});
  EXPECT_EQ(progress[0]["bytes_done"], 30);
  EXPECT_EQ(progress[0]["bytes_total"], 120);
  state.apply(peer::event::InstallGameProgress{"cs16", 90, 120});
  EXPECT_EQ(state.snapshot()["installs"]["cs16"], (json{{"bytes_done", 90}, {"bytes_total", 120}}));
  state.apply(peer::event::InstallGameFinished{"cs16"});
  EXPECT_EQ(state.snapshot()["installs"], json::object());

  state.apply(peer::event::InstallGameProgress{"cs16", 10, 120});
  state.apply(peer::event::InstallGameFailed{"cs16", "disk full"});
  EXPECT_EQ(state.snapshot()["installs"], json::object());
}

TEST(AppState, RecoveryNoticeStaysUntilDismissedOrTheNextOperation) {
  AppState state(peer::Catalog::bundled());
  const auto recovered = state.apply(peer::event::InstallTransactionRecovered{
      .game_id = "cs16",
      .operation = peer::install::Operation::Update,
      .outcome = peer::install::RecoveryAction::Outcome::RolledBack,
      .description = "restored the previous local/"});
  ASSERT_EQ(names(recovered), std::vector<std::string>{"game-recovered"});
  EXPECT_EQ(recovered[0]["operation"], "update");
  EXPECT_EQ(recovered[0]["outcome"], "rolled-back");
  EXPECT_EQ(state.snapshot()["recoveries"]["cs16"],
            (json{{"operation", "update"},
                  {"outcome", "rolled-back"},
                  {"description", "restored the previous local/"}}));

  const auto dismissed = state.dismiss_recovery("cs16");
  ASSERT_TRUE(dismissed.has_value());
  EXPECT_EQ((*dismissed)["event"], "recovery-dismissed");
  EXPECT_EQ(state.snapshot()["recoveries"], json::object());
  EXPECT_FALSE(state.dismiss_recovery("cs16").has_value());

  // Leftovers without an intent name no operation.
  state.apply(peer::event::InstallTransactionRecovered{
      .game_id = "quake3",
      .outcome = peer::install::RecoveryAction::Outcome::CleanedUp,
      .description = "removed .lanspread.staging"});
  EXPECT_EQ(state.snapshot()["recoveries"]["quake3"]["operation"], nullptr);
  const auto begun = state.apply(peer::event::UninstallGameBegin{"quake3"});
  EXPECT_EQ(names(begun), (std::vector<std::string>{"game-uninstall-begin", "recovery-dismissed"}));
  EXPECT_EQ(state.snapshot()["recoveries"], json::object());
}

TEST(AppState, UiEventNames) {
  EXPECT_EQ(ui_event_name("download-game-files-progress"), "game-download-progress");
  EXPECT_EQ(ui_event_name("uninstall-game-failed"), "game-uninstall-failed");
  EXPECT_EQ(ui_event_name("aggregated-library-changed"), "games-list-updated");
  EXPECT_EQ(ui_event_name("peer-lost"), "peer-lost");
  EXPECT_EQ(ui_event_name("install-game-progress"), "game-install-progress");
  EXPECT_EQ(ui_event_name("install-transaction-recovered"), "game-recovered");
}

}  // namespace
}  // namespace lanspread::app
