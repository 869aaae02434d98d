#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

// Wall clocks at a LAN party are wrong, and get stepped while programs run
// (NTP, a user fixing the date). A seeder and a downloader, each its own
// process with its own wall clock through libfaketime (the monotonic clock
// stays real, as on a real machine): years apart, then both stepped
// mid-transfer. Peers trust pinned keys, not certificate dates; timers run
// on the monotonic clock; file stamps only ever make a cache distrust itself.
//
// Every faked clock stays ahead of the real one. libfaketime 0.9.10 shifts
// an absolute timerfd_settime on CLOCK_MONOTONIC by the wall-clock offset even
// with FAKETIME_DONT_FAKE_MONOTONIC; Asio arms its timerfd that way for a
// timer already due, so a clock behind the real one parks every timer of the
// process for as long as the offset (a kernel does no such thing). Ahead of
// it, the shifted time is in the past and the timer fires at once, as it
// should.
namespace lanspread {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

const std::string kProgram = LANSPREAD_BINARY;
const std::string kFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

// `argv` run with its wall clock offset by what `clock_file` says (re-read
// on every call, so rewriting the file steps the clock).
std::vector<std::string> with_clock(const fs::path& clock_file, std::vector<std::string> argv) {
  std::string asan_options = "verify_asan_link_order=0";  // libfaketime is preloaded first
  if (const char* inherited = std::getenv("ASAN_OPTIONS"))
    asan_options = std::string(inherited) + ":" + asan_options;
  std::vector<std::string> wrapped = {"/usr/bin/env",
                                      "LD_PRELOAD=" + kFaketime,
                                      "FAKETIME_TIMESTAMP_FILE=" + utf8_of(clock_file),
                                      "FAKETIME_NO_CACHE=1",
                                      "FAKETIME_DONT_FAKE_MONOTONIC=1",
                                      "ASAN_OPTIONS=" + asan_options};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

void set_clock(const fs::path& clock_file, const std::string& offset) {
  test::write_file(clock_file, offset + "\n");
}

TEST(ClockJumpTest, PeersYearsApartAndSteppedMidTransferStillShare) {
  if (::access(kFaketime.c_str(), R_OK) != 0)
    GTEST_SKIP() << "needs libfaketime (Debian package faketime)";
  test::TempDir dir;
  const auto seeded = dir.path() / "seed/games/cs16";
  test::write_random_file(seeded / "cs16.part1.rar", 24 * 1024 * 1024, 11);
  test::write_file(seeded / "version.ini", "2");
  const auto seeder_clock = dir.path() / "seeder-clock";
  const auto downloader_clock = dir.path() / "downloader-clock";
  set_clock(seeder_clock, "+1d");         // a year and more behind the downloader's
  set_clock(downloader_clock, "+3650d");  // ten years ahead

  test::ChildProcess seeder(with_clock(
      seeder_clock, {kProgram, "--no-mdns", "--games", utf8_of(dir.path() / "seed/games"),
                     "--state", utf8_of(dir.path() / "seed/state"), "serve"}));
  ASSERT_TRUE(seeder.wait_for_output("cs16: downloaded", 20s)) << seeder.err();
  std::smatch match;
  const std::string log = seeder.err();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on UDP port (\\d+)")));

  // 40 Mbit/s: about 5 s, long enough to step both clocks halfway.
  const auto games = dir.path() / "games";
  test::ChildProcess downloader(with_clock(
      downloader_clock, {kProgram, "--no-mdns", "--games", utf8_of(games), "--state",
                         utf8_of(dir.path() / "state"), "--peer", "127.0.0.1:" + match[1].str(),
                         "--download-limit", "40", "--json", "download", "cs16", "--no-install"}));
  for (std::uint64_t done = 0; done < 8 * 1024 * 1024;) {
    const auto line = downloader.next_line(
        [](const std::string& text) {
          return text.find("\"download-game-files-progress\"") != std::string::npos;
        },
        60s);
    ASSERT_TRUE(line) << downloader.err();
    done = json::parse(*line)["bytes_done"].get<std::uint64_t>();
  }
  set_clock(seeder_clock, "+400d");    // a year forward
  set_clock(downloader_clock, "+2d");  // ten years back
  ASSERT_EQ(downloader.wait_exit(120s), 0) << downloader.err();
  EXPECT_TRUE(test::read_file(games / "cs16/cs16.part1.rar") ==
              test::read_file(seeded / "cs16.part1.rar"));
  EXPECT_EQ(test::read_file(games / "cs16/version.ini"), "2");
}

}  // namespace
}  // namespace lanspread
