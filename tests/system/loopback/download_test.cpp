#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "system/loopback/download_fixture.hpp"
#include "system/loopback/test_game.hpp"
#include "system/loopback/test_peer.hpp"

// Downloads between peer runtimes on loopback over real QUIC: several
// seeders at once, a seeder leaving, one serving corrupt data, every seeder
// gone, cancel, and resume.
namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using test_game::expect_same_payload;
using test_game::make_game;

TEST_F(DownloadTest, GetGameAnswersTheAgreedManifest) {
  start(2, 3 * 1024 * 1024);
  downloader_.send(command::GetGame{"cs16"});
  const auto files = downloader_.events.wait_for<event::GotGameFiles>(kTimeout);
  ASSERT_TRUE(files);
  EXPECT_EQ(files->game_id, "cs16");
  const auto archive =
      std::ranges::find(files->files, "cs16.part1.rar", &proto::GameFileDescription::relative_path);
  ASSERT_NE(archive, files->files.end());
  EXPECT_EQ(archive->size, 3u * 1024 * 1024);
  EXPECT_EQ(archive->block_hashes.size(), 3u);

  downloader_.send(command::GetGame{"quake3"});
  const auto none = downloader_.events.wait_for<event::NoPeersHaveGame>(kTimeout);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->game_id, "quake3");
}

TEST_F(DownloadTest, DownloadsFromEverySeederByteIdentical) {
  start(2, 128 * 1024 * 1024 + 123);
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesBegin>(kTimeout));
  std::size_t most_peers = 0;
  ASSERT_NO_FATAL_FAILURE(finish_counting_peers(most_peers));
  expect_same_payload(seeded(), downloaded());
  EXPECT_EQ(most_peers, 2u) << "both seeders should have been streaming at once";
  const auto library = downloader_.events.wait_for<event::LocalLibraryChanged>(
      kTimeout, [](const event::LocalLibraryChanged& e) {
        return !e.games.empty() && e.games[0].downloaded;
      });
  ASSERT_TRUE(library);
  EXPECT_EQ(library->games[0].version, "2");
}

TEST_F(DownloadTest, ASeederFoundAfterTheStartJoinsTheDownload) {
  start(1, 256 * 1024 * 1024);
  // About 5 s at 400 Mbit/s: the late seeder has time to join.
  ASSERT_NO_FATAL_FAILURE(limit_upload(*seeders_.front(), 400));
  TestPeer late(dir_ / "late");
  make_game(late.games(), 256 * 1024 * 1024);
  late.start();
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done > 0; }));
  downloader_.send(command::AddPeer{late.address()});
  std::size_t most_peers = 0;
  ASSERT_NO_FATAL_FAILURE(finish_counting_peers(most_peers));
  EXPECT_EQ(most_peers, 2u) << "the late seeder never streamed";
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, ASeederLeavingMidwayIsReplacedByTheOthers) {
  start(2, 64 * 1024 * 1024);
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done > 0; }));
  seeders_.back()->stop();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, ACorruptSeederIsCaughtAndTheBlocksFetchedElsewhere) {
  start(3, 16 * 1024 * 1024);
  downloader_.send(command::GetGame{"cs16"});
  ASSERT_TRUE(downloader_.events.wait_for<event::GotGameFiles>(kTimeout));
  // After the manifests were agreed: one seeder's archive rots in place.
  const auto rotten = seeders_.back()->games() / "cs16/cs16.part1.rar";
  test::write_random_file(rotten, 16 * 1024 * 1024, 99);
  download();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, ASeederWhoseFileChangesMidTransferIsCaughtAndTheOthersFinish) {
  start(2, 32 * 1024 * 1024);
  ASSERT_NO_FATAL_FAILURE(download_slowly_past_4_mib());
  test::write_random_file(seeders_.back()->games() / "cs16/cs16.part1.rar", 32 * 1024 * 1024, 99);
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, TheOnlySeedersFileChangingMidTransferFailsClearly) {
  start(1, 32 * 1024 * 1024);
  ASSERT_NO_FATAL_FAILURE(download_slowly_past_4_mib());
  test::write_random_file(seeded() / "cs16.part1.rar", 32 * 1024 * 1024, 99);
  const auto failed = wait_outcome<event::DownloadGameFilesFailed>();
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->reason.find("do not verify"), std::string::npos) << failed->reason;
  EXPECT_FALSE(fs::exists(downloaded() / "version.ini"));
}

TEST_F(DownloadTest, TheGameFolderRemovedMidDownloadFailsClearlyAndThePeerGoesOn) {
  start(1, 32 * 1024 * 1024);
  ASSERT_NO_FATAL_FAILURE(download_slowly_past_4_mib());
#ifdef _WIN32
  GTEST_SKIP() << "Windows refuses to remove a folder while files in it are open, so a game "
                  "folder cannot vanish under a running download there";
#endif
  fs::remove_all(downloader_.games());
  const auto failed = wait_outcome<event::DownloadGameFilesFailed>();
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->reason.empty());
  EXPECT_FALSE(fs::exists(downloader_.games()));
  // Still serving and listening: another download after the folder is back.
  fs::create_directories(downloader_.games());
  downloader_.send(command::SetRateLimits{{}});
  download();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, EverySeederGoneFailsWithAReason) {
  start(2, 64 * 1024 * 1024);
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesBegin>(kTimeout));
  for (auto& seeder : seeders_)
    seeder->stop();
  const auto failed = wait_outcome<event::DownloadGameFilesFailed>();
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->reason.empty());
  EXPECT_FALSE(fs::exists(downloaded() / "version.ini"));
  EXPECT_FALSE(fs::exists(downloaded() / ".version.ini.tmp"));
}

TEST_F(DownloadTest, CancelDiscardsThePayloadKeepsLocalAndNeverFails) {
  test::write_file(downloaded() / "local/save.dat", "my progress");
  test::write_file(downloaded() / "version.ini", "1");
  start(1, 256 * 1024 * 1024);
  download();
  // Mid-transfer: blocks in flight, some already written.
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done > 0; }));
  downloader_.send(command::CancelDownload{"cs16"});
  // The transfer task clears the operation itself, then reports.
  ASSERT_TRUE(downloader_.events.wait_for<event::ActiveOperationsChanged>(
      kDownloadTimeout, [](const auto& e) { return !e.operations.contains("cs16"); }));
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesCancelled>());
  EXPECT_EQ(test::read_file(downloaded() / "local/save.dat"), "my progress");
  EXPECT_FALSE(fs::exists(downloaded() / "cs16.part1.rar"));
  EXPECT_FALSE(fs::exists(downloaded() / "maps"));
  EXPECT_FALSE(fs::exists(downloaded() / ".version.ini.discarded"));

  downloader_.send(command::CancelDownload{"cs16"});
  const auto refused = downloader_.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->command, "cancel-download");
}

// An update of a downloaded game: its old version.ini would let a removal
// delete the root under the download. Every other operation on the game is
// refused the same way, and the download goes on.
TEST_F(DownloadTest, RemovingOrInstallingAGameBeingDownloadedIsRefused) {
  test::write_file(downloaded() / "version.ini", "1");
  start(1, 32 * 1024 * 1024);
  ASSERT_NO_FATAL_FAILURE(download_slowly_past_4_mib());
  downloader_.send(command::RemoveDownloadedGame{"cs16"});
  const auto refused = downloader_.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->command, "remove-downloaded-game");
  EXPECT_NE(refused->reason.find("another operation is running"), std::string::npos);
  downloader_.send(command::InstallGame{"cs16"});
  const auto install_refused = downloader_.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(install_refused);
  EXPECT_EQ(install_refused->command, "install-game");
  EXPECT_EQ(install_refused->game_id, "cs16");
  EXPECT_NE(install_refused->reason.find("another operation is running"), std::string::npos);
  downloader_.send(command::UninstallGame{"cs16"});
  const auto uninstall_refused = downloader_.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(uninstall_refused);
  EXPECT_EQ(uninstall_refused->command, "uninstall-game");
  EXPECT_NE(uninstall_refused->reason.find("another operation is running"), std::string::npos);
  download();
  const auto download_refused = downloader_.events.wait_for<event::CommandFailed>(kTimeout);
  ASSERT_TRUE(download_refused);
  EXPECT_EQ(download_refused->command, "download-game-files");
  EXPECT_NE(download_refused->reason.find("another operation is running"), std::string::npos);

  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, StoppingThePeerMidDownloadIsPromptAndTheNextStartResumes) {
  downloader_.source_grace = 60s;  // a stop must not wait for the grace
  start(1, 32 * 1024 * 1024);
  auto& seeder = *seeders_.front();
  ASSERT_NO_FATAL_FAILURE(limit_upload(seeder, 16));
  download();
  std::uint64_t done = 0;
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [&done](const auto& p) {
        done = p.bytes_done;
        return p.bytes_done >= 4 * 1024 * 1024;
      }));
  const auto stopping = std::chrono::steady_clock::now();
  downloader_.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 3s) << "shutdown waited on the download";
  EXPECT_FALSE(fs::exists(downloaded() / "version.ini"));

  seeder.send(command::SetRateLimits{{}});
  downloader_.start();
  downloader_.send(command::AddPeer{seeder.address()});
  ASSERT_TRUE(downloader_.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const event::AggregatedLibraryChanged& view) {
        const auto* game = find_game(view, "cs16");
        return game != nullptr && game->peer_count == 1;
      }));
  download();
  const auto resumed = downloader_.events.wait_for<event::DownloadGameFilesProgress>(kTimeout);
  ASSERT_TRUE(resumed);
  EXPECT_GE(resumed->bytes_done, done) << "verified blocks were fetched again";
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, StoppingASeederMidUploadIsPrompt) {
  start(1, 32 * 1024 * 1024);
  auto& seeder = *seeders_.front();
  ASSERT_NO_FATAL_FAILURE(limit_upload(seeder, 16));
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done >= 2 * 1024 * 1024; }));
  const auto stopping = std::chrono::steady_clock::now();
  seeder.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 3s) << "shutdown waited on the uploads";
}

TEST_F(DownloadTest, ASeederRestartingWithinTheGraceFinishesTheDownload) {
  downloader_.source_grace = 60s;
  start(1, 64 * 1024 * 1024);
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done > 0; }));
  seeders_.front()->stop();
  ASSERT_TRUE(downloader_.events.wait_for<event::PeerLost>(kTimeout));
  // Same state folder and port: the same peer, back.
  seeders_.front()->start();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, AVerySlowSeederDoesNotHoldTheTail) {
  start(2, 32 * 1024 * 1024);
  // 0.8 Mbit/s: each 1 MiB block from this seeder takes 10 s, and it is
  // given blocks at the start, before anything is measured.
  ASSERT_NO_FATAL_FAILURE(limit_upload(*seeders_.front(), 0.8));
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesBegin>(kTimeout));
  const auto begun = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 8s)
      << "the download waited for a block from the slow seeder";
  expect_same_payload(seeded(), downloaded());
}

TEST_F(DownloadTest, APeerStillDownloadingSharesTheBlocksItHasVerified) {
  start(1, 16 * 1024 * 1024);
  auto& seeder = *seeders_.front();
  // 8 Mbit/s: the seeder alone brings 1 MB/s, shared by every downloader.
  ASSERT_NO_FATAL_FAILURE(limit_upload(seeder, 8));
  download();
  // The first downloader gets 6 MiB, so at least 5 whole 1 MiB blocks
  // (one block is the 300 KiB map); the late one wants 4 MiB of them.
  constexpr std::uint64_t kShare = 4 * 1024 * 1024;
  const auto has_share = [](const event::DownloadGameFilesProgress& p) {
    return p.bytes_done >= kShare;
  };
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done >= kShare + 2 * 1024 * 1024; }));

  TestPeer late(dir_ / "late");
  late.start();
  late.send(command::AddPeer{seeder.address()});
  late.send(command::AddPeer{downloader_.address()});
  for (std::size_t found = 0; found < 2; ++found)
    ASSERT_TRUE(late.events.wait_for<event::PeerDiscovered>(kTimeout));
  ASSERT_TRUE(late.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const event::AggregatedLibraryChanged& view) {
        const auto* game = find_game(view, "cs16");
        return game != nullptr && game->peer_count == 1;  // the first downloader has no copy
      }));
  late.send(command::DownloadGameFiles{.game_id = "cs16", .install = false});
  ASSERT_TRUE(late.events.wait_for<event::DownloadGameFilesBegin>(kTimeout));
  const auto begun = std::chrono::steady_clock::now();
  ASSERT_TRUE(late.events.wait_for<event::DownloadGameFilesProgress>(kTimeout, has_share));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - begun;
  EXPECT_LT(took.count(), 2.0) << "from the seeder alone, at 1 MB/s, " << kShare
                               << " bytes take over 4 s";

  seeder.send(command::SetRateLimits{{}});
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  ASSERT_TRUE(late.events.wait_for<event::DownloadGameFilesFinished>(kDownloadTimeout));
  expect_same_payload(seeded(), downloaded());
  expect_same_payload(seeded(), late.games() / "cs16");
}

TEST_F(DownloadTest, TheDownloadLimitHoldsAndIsRemembered) {
  start(1, 16 * 1024 * 1024);
  downloader_.send(command::SetRateLimits{{.download_mbit = 40}});
  ASSERT_TRUE(downloader_.events.wait_for<event::RateLimitsChanged>(
      kTimeout, [](const auto& e) { return e.limits.download_mbit == 40; }));
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesBegin>(kTimeout));
  const auto begun = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - begun;
  // 16.3 MiB at 5 MB/s is 3.4 s; the limiter lets at most 20 ms through early.
  const double bytes = 16 * 1024 * 1024 + 300 * 1024 + 17;
  EXPECT_GE(took.count(), bytes / 5e6 - 0.05);
  expect_same_payload(seeded(), downloaded());

  downloader_.stop();
  downloader_.start();
  EXPECT_TRUE(downloader_.events.wait_for<event::RateLimitsChanged>(
      kTimeout, [](const auto& e) { return e.limits.download_mbit == 40; }));
}

TEST_F(DownloadTest, AnUpdateFetchesOnlyTheBlocksThatChanged) {
  start(1, 8 * 1024 * 1024);
  download();
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());

  // Version 3 changes one block of the archive.
  {
    std::fstream archive(seeded() / "cs16.part1.rar",
                         std::ios::in | std::ios::out | std::ios::binary);
    archive.seekp(5 * 1024 * 1024 + 10);
    archive.write("changed", 7);
  }
  test::write_file(seeded() / "version.ini", "3");
  ASSERT_TRUE(downloader_.events.wait_for<event::AggregatedLibraryChanged>(
      kTimeout, [](const event::AggregatedLibraryChanged& view) {
        const auto* game = find_game(view, "cs16");
        return game != nullptr && game->update_available;
      }));
  downloader_.send(command::FetchLatestFromPeers{"cs16"});
  ASSERT_TRUE(downloader_.events.wait_for<event::GotGameFiles>(kTimeout));
  download();
  const auto first = downloader_.events.wait_for<event::DownloadGameFilesProgress>(kTimeout);
  ASSERT_TRUE(first);
  // Everything but the changed 1 MiB block was already on disk and verified.
  EXPECT_EQ(first->bytes_total - first->bytes_done, 1024u * 1024);
  ASSERT_TRUE(wait_outcome<event::DownloadGameFilesFinished>());
  expect_same_payload(seeded(), downloaded());
}

}  // namespace
}  // namespace lanspread::peer
