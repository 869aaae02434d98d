#include "peer/library/local_game_monitor.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <deque>

#include "peer/catalog/catalog.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Rescan = LocalGameMonitor::Rescan;

class MonitorTest : public ::testing::Test {
 protected:
  void start(std::chrono::milliseconds fallback = 1h) {
    fs::create_directories(games());
    monitor_ = std::make_unique<LocalGameMonitor>(io_, catalog_, fallback, 10ms,
                                                  [this](Rescan r) { rescans_.push_back(r); });
    monitor_->watch(games());
    ASSERT_TRUE(next().everything);
  }

  // Runs the I/O loop until the monitor asks for a rescan (or 5 s pass).
  Rescan next() {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (rescans_.empty() && std::chrono::steady_clock::now() < deadline) {
      io_.run_one_for(100ms);
    }
    if (rescans_.empty()) {
      ADD_FAILURE() << "no rescan requested";
      return {};
    }
    auto rescan = rescans_.front();
    rescans_.pop_front();
    return rescan;
  }

  fs::path games() const { return dir_ / "games"; }

  test::TempDir dir_;
  Catalog catalog_ =
      Catalog::parse(
          R"({"id":"cs16","name":"CS","description":"","genre":"","max_players":1,"release_year":2000,"size_bytes":1}
{"id":"quake3","name":"Q3","description":"","genre":"","max_players":1,"release_year":2000,"size_bytes":1})",
          "test")
          .value();
  asio::io_context io_;
  std::unique_ptr<LocalGameMonitor> monitor_;
  std::deque<Rescan> rescans_;
};

TEST_F(MonitorTest, NewCatalogRootIsRescannedAlone) {
  start();
  fs::create_directories(games() / "not-a-game");
  fs::create_directories(games() / "cs16");
  const auto rescan = next();
  EXPECT_FALSE(rescan.everything);
  EXPECT_EQ(rescan.game_ids, std::vector<std::string>{"cs16"});
}

TEST_F(MonitorTest, ChangesInsideAWatchedRootRescanOnlyThatGame) {
  fs::create_directories(games() / "cs16");
  fs::create_directories(games() / "quake3");
  start();
  monitor_->watch_roots({"cs16", "quake3"});
  test::write_file(games() / "cs16/version.ini", "1");
  test::write_file(games() / "cs16/archive.rar", "data");
  const auto rescan = next();
  EXPECT_FALSE(rescan.everything);
  EXPECT_EQ(rescan.game_ids, std::vector<std::string>{"cs16"});
}

TEST_F(MonitorTest, NestedChangesAreNotWatched) {
  fs::create_directories(games() / "cs16/maps");
  fs::create_directories(games() / "quake3");
  start();
  monitor_->watch_roots({"cs16", "quake3"});
  test::write_file(games() / "cs16/maps/new.bsp", "x");  // below the root: not seen
  test::write_file(games() / "quake3/version.ini", "1");
  EXPECT_EQ(next().game_ids, std::vector<std::string>{"quake3"});
}

TEST_F(MonitorTest, HeldGamesWaitForRelease) {
  fs::create_directories(games() / "cs16");
  fs::create_directories(games() / "quake3");
  start();
  monitor_->watch_roots({"cs16", "quake3"});
  monitor_->hold("cs16");
  test::write_file(games() / "cs16/part.rar", "x");
  test::write_file(games() / "quake3/version.ini", "1");
  EXPECT_EQ(next().game_ids, std::vector<std::string>{"quake3"});
  monitor_->release("cs16");
  EXPECT_EQ(next().game_ids, std::vector<std::string>{"cs16"});
}

TEST_F(MonitorTest, FallbackScanRepeats) {
  start(30ms);
  EXPECT_TRUE(next().everything);
  EXPECT_TRUE(next().everything);
}

TEST_F(MonitorTest, VanishedGameFolderAsksForEverything) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 leaves a directory watch pending when the directory is removed "
                    "(Windows ends it with STATUS_DELETE_PENDING)";
  start();
  fs::remove_all(games());
  EXPECT_TRUE(next().everything);
}

}  // namespace
}  // namespace lanspread::peer
