#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "system/loopback/test_game.hpp"
#include "system/loopback/test_peer.hpp"

namespace lanspread::peer {

inline constexpr auto kDownloadTimeout = std::chrono::seconds(120);

class DownloadTest : public ::testing::Test {
 protected:
  // Starts `count` seeders with the game and the downloader, and waits until
  // the downloader sees the game on all of them.
  void start(std::size_t count, std::size_t big_size) {
    for (std::size_t i = 0; i < count; ++i) {
      seeders_.push_back(std::make_unique<TestPeer>(dir_ / ("seed" + std::to_string(i))));
      test_game::make_game(seeders_.back()->games(), big_size);
      seeders_.back()->start();
    }
    downloader_.start();
    for (const auto& seeder : seeders_)
      downloader_.send(command::AddPeer{seeder->address()});
    ASSERT_TRUE(downloader_.events.wait_for<event::AggregatedLibraryChanged>(
        kTimeout, [count](const event::AggregatedLibraryChanged& view) {
          const auto* game = find_game(view, "cs16");
          return game != nullptr && game->peer_count == count;
        }));
  }
  std::filesystem::path downloaded() const { return downloader_.games() / "cs16"; }
  std::filesystem::path seeded() const { return seeders_.front()->games() / "cs16"; }
  void download() {
    downloader_.send(command::DownloadGameFiles{.game_id = "cs16", .install = false});
  }
  // Sets `seeder`'s upload limit and waits until it holds.
  static void limit_upload(TestPeer& seeder, double mbit) {
    seeder.send(command::SetRateLimits{{.upload_mbit = mbit}});
    ASSERT_TRUE(seeder.events.wait_for<event::RateLimitsChanged>(
        kTimeout, [mbit](const auto& e) { return e.limits.upload_mbit == mbit; }));
  }
  // Downloads at 40 Mbit/s (a 32 MiB game takes about 7 s, long enough to
  // change something under it) and returns once 4 MiB are verified.
  void download_slowly_past_4_mib() {
    downloader_.send(command::SetRateLimits{{.download_mbit = 40}});
    ASSERT_TRUE(downloader_.events.wait_for<event::RateLimitsChanged>(
        kTimeout, [](const auto& e) { return e.limits.download_mbit == 40; }));
    download();
    ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
        kDownloadTimeout, [](const auto& p) { return p.bytes_done >= 4 * 1024 * 1024; }));
  }
  // The outcome of the download, failing the test on the wrong one.
  template <class Outcome>
  std::optional<Outcome> wait_outcome() {
    for (;;) {
      auto event = downloader_.events.pop(kDownloadTimeout);
      if (!event)
        return std::nullopt;
      if (auto* wanted = std::get_if<Outcome>(&*event))
        return *wanted;
      if (const auto* failed = std::get_if<event::DownloadGameFilesFailed>(&*event))
        ADD_FAILURE() << "download failed: " << failed->reason;
      if (std::holds_alternative<event::DownloadGameFilesFailed>(*event) ||
          std::holds_alternative<event::DownloadGameFilesFinished>(*event) ||
          std::holds_alternative<event::DownloadGameFilesCancelled>(*event))
        return std::nullopt;
    }
  }

  // Reads events until the download finishes (failing the test if it
  // fails), noting the most peers that streamed at once.
  void finish_counting_peers(std::size_t& most_peers) {
    for (;;) {
      auto next = downloader_.events.pop(kDownloadTimeout);
      ASSERT_TRUE(next);
      if (const auto* progress = std::get_if<event::DownloadGameFilesProgress>(&*next))
        most_peers = std::max(most_peers, progress->peers_streaming);
      if (const auto* failed = std::get_if<event::DownloadGameFilesFailed>(&*next))
        FAIL() << failed->reason;
      if (std::holds_alternative<event::DownloadGameFilesFinished>(*next))
        return;
    }
  }

  test::TempDir dir_;
  std::vector<std::unique_ptr<TestPeer>> seeders_;
  TestPeer downloader_{dir_ / "downloader"};
};

}  // namespace lanspread::peer
