#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

// `lanspread download` against a real `lanspread serve` on loopback.
namespace lanspread {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

const std::string kProgram = LANSPREAD_BINARY;

class DownloadCommandTest : public ::testing::Test {
 protected:
  void serve() {
    seeder_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{kProgram, "--no-mdns", "--games", utf8_of(dir_ / "seed/games"),
                                 "--state", utf8_of(dir_ / "seed/state"), "serve"});
    ASSERT_TRUE(seeder_->wait_for_output("cs16: downloaded", 20s)) << seeder_->err();
    std::smatch match;
    const std::string log = seeder_->err();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on UDP port (\\d+)")));
    address_ = "127.0.0.1:" + std::string(match[1]);
  }
  std::vector<std::string> download(std::initializer_list<std::string> args) const {
    std::vector<std::string> argv = {kProgram,         "--no-mdns", "--games",
                                     utf8_of(games()), "--state",   utf8_of(dir_ / "state"),
                                     "--peer",         address_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  fs::path games() const { return dir_ / "games"; }
  fs::path seeded() const { return dir_ / "seed/games/cs16"; }

  // bytes_done of the next progress event, skipping other lines.
  static std::optional<std::uint64_t> next_progress(test::ChildProcess& child) {
    const auto line = child.next_line(
        [](const std::string& text) {
          return text.find("\"download-game-files-progress\"") != std::string::npos;
        },
        60s);
    if (!line)
      return std::nullopt;
    return json::parse(*line)["bytes_done"].get<std::uint64_t>();
  }

  test::TempDir dir_;
  std::unique_ptr<test::ChildProcess> seeder_;
  std::string address_;
};

TEST_F(DownloadCommandTest, DownloadsAndInstalls) {
  fs::create_directories(seeded());
  fs::copy_file(std::string(LANSPREAD_TEST_ARCHIVES) + "/test_read_format_7zip_lzma2.7z",
                seeded() / "cs16.7z");
  test::write_file(seeded() / "version.ini", "20240315");
  serve();
  const auto result = test::run(download({"download", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("cs16: installed"), std::string::npos) << result.err;
  EXPECT_EQ(test::read_file(games() / "cs16/version.ini"), "20240315");
  EXPECT_TRUE(test::read_file(games() / "cs16/cs16.7z") == test::read_file(seeded() / "cs16.7z"));
  EXPECT_TRUE(fs::is_directory(games() / "cs16/local"));
  EXPECT_FALSE(fs::is_empty(games() / "cs16/local"));
}

TEST_F(DownloadCommandTest, AKilledDownloadResumesWithoutRefetchingVerifiedBlocks) {
  test::write_random_file(seeded() / "cs16.part1.rar", 96 * 1024 * 1024, 7);
  test::write_file(seeded() / "version.ini", "2");
  serve();
  std::uint64_t done_before_kill = 0;
  {
    test::ChildProcess first(download({"--json", "download", "cs16", "--no-install"}));
    while (done_before_kill < 16 * 1024 * 1024) {
      const auto done = next_progress(first);
      ASSERT_TRUE(done) << first.err();
      done_before_kill = *done;
    }
    first.kill();
    first.wait_exit(20s);
  }
  EXPECT_FALSE(fs::exists(games() / "cs16/version.ini"));

  test::ChildProcess second(download({"--json", "download", "cs16", "--no-install"}));
  const auto resumed = next_progress(second);
  ASSERT_TRUE(resumed) << second.err();
  EXPECT_GE(*resumed, done_before_kill) << "verified blocks were fetched again";
  ASSERT_EQ(second.wait_exit(120s), 0) << second.err();
  EXPECT_TRUE(test::read_file(games() / "cs16/cs16.part1.rar") ==
              test::read_file(seeded() / "cs16.part1.rar"));
  EXPECT_EQ(test::read_file(games() / "cs16/version.ini"), "2");
}

TEST_F(DownloadCommandTest, CtrlCCancelsAndKeepsLocal) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine gives a program under ctest no console that takes control events, so "
                    "no Ctrl-C or Ctrl-Break reaches the child (ChildProcessTest does the same)";
  test::write_random_file(seeded() / "cs16.part1.rar", 256 * 1024 * 1024, 7);
  test::write_file(seeded() / "version.ini", "2");
  test::write_file(games() / "cs16/local/save.dat", "mine");
  serve();
  test::ChildProcess child(download({"--json", "download", "cs16"}));
  ASSERT_TRUE(next_progress(child)) << child.err();
  child.send_signal(SIGINT);
  EXPECT_EQ(child.wait_exit(60s), 1) << child.err();
  EXPECT_NE(child.err().find("download cancelled"), std::string::npos) << child.err();
  EXPECT_EQ(child.out().find("download-game-files-failed"), std::string::npos) << child.out();
  EXPECT_NE(child.out().find("download-game-files-cancelled"), std::string::npos);
  EXPECT_EQ(test::read_file(games() / "cs16/local/save.dat"), "mine");
  EXPECT_FALSE(fs::exists(games() / "cs16/cs16.part1.rar"));
}

// A second `lanspread` on the same folders, as in a second terminal: it can
// neither delete, install nor download the game being downloaded, and its
// start-up clean-up leaves the download's temporaries alone.
TEST_F(DownloadCommandTest, OtherProcessesLeaveAGameBeingDownloadedAlone) {
  test::write_random_file(seeded() / "cs16.part1.rar", 24 * 1024 * 1024, 5);
  test::write_file(seeded() / "version.ini", "2");
  serve();
  // 16 Mbit/s: about 12 s, while the other commands take about a second each.
  test::ChildProcess first(
      download({"--download-limit", "16", "--json", "download", "cs16", "--no-install"}));
  ASSERT_TRUE(next_progress(first)) << first.err();

  const std::vector<std::string> local = {kProgram,         "--no-mdns", "--games",
                                          utf8_of(games()), "--state",   utf8_of(dir_ / "state")};
  auto with = [&](std::initializer_list<std::string> args) {
    auto argv = local;
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  for (const auto& argv : {with({"remove", "cs16"}), with({"install", "cs16"}),
                           download({"download", "cs16", "--no-install"})}) {
    const auto result = test::run(argv);
    EXPECT_EQ(result.exit_code, 1) << argv.back() << ": " << result.err;
    EXPECT_NE(result.err.find("another Lanspread process"), std::string::npos) << result.err;
  }

  ASSERT_EQ(first.wait_exit(120s), 0) << first.err();
  EXPECT_TRUE(test::read_file(games() / "cs16/cs16.part1.rar") ==
              test::read_file(seeded() / "cs16.part1.rar"));
  EXPECT_EQ(test::read_file(games() / "cs16/version.ini"), "2");
}

TEST_F(DownloadCommandTest, NoPeerWithTheGameFailsClearly) {
  test::write_file(dir_ / "seed/games/cs16/version.ini", "1");
  serve();
  const auto result = test::run(download({"download", "quake3", "--wait", "1"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("no peer has quake3"), std::string::npos) << result.err;
  const auto unknown = test::run(download({"download", "not-a-game"}));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("not a catalog game"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace lanspread
