#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "system/loopback/test_game.hpp"
#include "system/loopback/test_peer.hpp"

// A seeder process SIGKILLed (no goodbye, no closed connection) at each
// phase of a transfer while a second seeder has the game: the download
// still finishes, byte-identical.
namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

constexpr auto kDownloadTimeout = 120s;
constexpr std::size_t kArchiveBytes = 16 * 1024 * 1024;

enum class Phase {
  Connected,        // the downloader has reached both seeders
  ManifestsAgreed,  // GetGame answered from both
  Begun,            // the download's transaction began, no block yet
  MidTransfer,      // half of the blocks verified
  BlocksDone,       // every block verified; version.ini next
};

std::string name_of(const ::testing::TestParamInfo<Phase>& info) {
  switch (info.param) {
    case Phase::Connected:
      return "Connected";
    case Phase::ManifestsAgreed:
      return "ManifestsAgreed";
    case Phase::Begun:
      return "Begun";
    case Phase::MidTransfer:
      return "MidTransfer";
    case Phase::BlocksDone:
      return "BlocksDone";
  }
  return "Unknown";
}

class SeederKilledTest : public ::testing::TestWithParam<Phase> {
 protected:
  // The seeder to kill: a separate `lanspread serve` process.
  void start_doomed_seeder() {
    const auto games = dir_ / "doomed/games";
    test_game::make_game(games, kArchiveBytes);
    doomed_ = std::make_unique<test::ChildProcess>(std::vector<std::string>{
        LANSPREAD_BINARY, "--no-mdns", "--games", games.string(), "--state",
        (dir_ / "doomed/state").string(), "--port", "0", "serve"});
    ASSERT_TRUE(doomed_->wait_for_output("listening on UDP port", kTimeout)) << doomed_->err();
    std::smatch match;
    const std::string log = doomed_->err();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on UDP port (\\d+)")));
    doomed_address_ = "127.0.0.1:" + match[1].str();
  }

  void kill_doomed_seeder() {
    doomed_->kill();
    ASSERT_FALSE(doomed_->wait_exit(kTimeout)) << "SIGKILL is not a normal exit";
  }

  template <class Event, class Accept>
  void wait_then_kill(Accept accept) {
    ASSERT_TRUE(downloader_.events.wait_for<Event>(kDownloadTimeout, accept));
    kill_doomed_seeder();
  }

  test::TempDir dir_;
  std::unique_ptr<test::ChildProcess> doomed_;
  std::string doomed_address_;
  TestPeer survivor_{dir_ / "survivor"};
  TestPeer downloader_{dir_ / "downloader"};
};

TEST_P(SeederKilledTest, TheDownloadFinishesFromTheOtherSeeder) {
  start_doomed_seeder();
  test_game::make_game(survivor_.games(), kArchiveBytes);
  survivor_.start();
  downloader_.start();
  // 40 Mbit/s: about 3.5 s of transfer, so each phase can be caught.
  downloader_.send(command::SetRateLimits{{.download_mbit = 40}});
  downloader_.send(command::AddPeer{doomed_address_});
  downloader_.send(command::AddPeer{survivor_.address()});

  const auto phase = GetParam();
  if (phase == Phase::Connected) {
    for (int found = 0; found < 2; ++found)
      ASSERT_TRUE(downloader_.events.wait_for<event::PeerDiscovered>(kTimeout));
    kill_doomed_seeder();
  }
  ASSERT_TRUE(downloader_.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const event::AggregatedLibraryChanged& view) {
        const auto* game = find_game(view, "cs16");
        return game != nullptr && game->peer_count >= 1;
      }));
  if (phase == Phase::ManifestsAgreed) {
    downloader_.send(command::GetGame{"cs16"});
    wait_then_kill<event::GotGameFiles>([](const auto&) { return true; });
  }
  downloader_.send(command::DownloadGameFiles{.game_id = "cs16", .install = false});
  if (phase == Phase::Begun)
    wait_then_kill<event::DownloadGameFilesBegin>([](const auto&) { return true; });
  if (phase == Phase::MidTransfer) {
    wait_then_kill<event::DownloadGameFilesProgress>(
        [](const auto& p) { return p.bytes_done * 2 >= p.bytes_total && p.bytes_total > 0; });
  }
  if (phase == Phase::BlocksDone) {
    wait_then_kill<event::DownloadGameFilesProgress>(
        [](const auto& p) { return p.bytes_done == p.bytes_total && p.bytes_total > 0; });
  }

  for (;;) {
    auto next = downloader_.events.pop(kDownloadTimeout);
    ASSERT_TRUE(next) << "no outcome";
    if (const auto* failed = std::get_if<event::DownloadGameFilesFailed>(&*next))
      FAIL() << failed->reason;
    if (std::holds_alternative<event::DownloadGameFilesFinished>(*next))
      break;
  }
  test_game::expect_same_payload(survivor_.games() / "cs16", downloader_.games() / "cs16");
}

INSTANTIATE_TEST_SUITE_P(EveryPhase, SeederKilledTest,
                         ::testing::Values(Phase::Connected, Phase::ManifestsAgreed, Phase::Begun,
                                           Phase::MidTransfer, Phase::BlocksDone),
                         name_of);

}  // namespace
}  // namespace lanspread::peer
