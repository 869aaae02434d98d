#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/utf8_path.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread {
namespace {
using namespace std::chrono_literals;

const std::string kProgram = LANSPREAD_BINARY;

class CliTest : public ::testing::Test {
 protected:
  std::vector<std::string> command(std::initializer_list<std::string> args) const {
    // Without mDNS: peers of tests running in parallel must not meet.
    std::vector<std::string> argv = {kProgram,  "--no-mdns",
                                     "--games", utf8_of(dir_ / "games"),
                                     "--state", utf8_of(dir_ / "state")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  test::TempDir dir_;
};

TEST_F(CliTest, StatusPrintsEachGameState) {
  test::write_file(dir_ / "games/cs16/version.ini", "20240315\n");
  test::write_file(dir_ / "games/cs16/local/hl.exe", "x");
  test::write_file(dir_ / "games/quake3/version.ini", "1.32");
  test::write_file(dir_ / "games/factorio/factorio.zip", "partial");
  const auto result = test::run(command({"status"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("cs16"), std::string::npos);
  EXPECT_NE(result.out.find("installed"), std::string::npos);
  EXPECT_NE(result.out.find("Quake III Arena"), std::string::npos);
  EXPECT_NE(result.out.find("incomplete"), std::string::npos);
  EXPECT_NE(result.out.find("20240315"), std::string::npos);
}

TEST_F(CliTest, StatusJsonIsOneObjectPerLine) {
  test::write_file(dir_ / "games/cs16/version.ini", "20240315");
  test::write_file(dir_ / "games/quake3/version.ini", "1.32");
  const auto result = test::run(command({"--json", "status"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::vector<nlohmann::json> games;
  for (std::string line; std::getline(lines, line);)
    games.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(games.size(), 2u);
  EXPECT_EQ(games[0]["id"], "cs16");
  EXPECT_EQ(games[0]["state"], "downloaded");
  EXPECT_EQ(games[0]["version"], "20240315");
  EXPECT_EQ(games[1]["name"], "Quake III Arena");
}

// Arguments are UTF-8 inside the program (Windows reads them wide): the
// folder named here is the one listed, and printed as it was given.
TEST_F(CliTest, StatusReadsAGameFolderWithANonAsciiName) {
  test::write_file(dir_ / "Spiele für alle/quake3/version.ini", "1.32");
  const auto folder = utf8_of(dir_ / "Spiele für alle");
  const auto result = test::run(
      {kProgram, "--no-mdns", "--games", folder, "--state", utf8_of(dir_ / "state"), "status"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Quake III Arena"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(folder), std::string::npos) << result.out;
}

TEST_F(CliTest, StatusOfAMissingFolderFails) {
  const auto result = test::run(command({"status"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("does not exist"), std::string::npos);
}

TEST_F(CliTest, BadUsageExitsWithTwo) {
  EXPECT_EQ(test::run({kProgram}).exit_code, 2);
  EXPECT_EQ(test::run({kProgram, "no-such-command"}).exit_code, 2);
  EXPECT_EQ(test::run({kProgram, "--log-level", "loud", "status"}).exit_code, 2);
  const auto help = test::run({kProgram, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("serve"), std::string::npos);
}

TEST_F(CliTest, VersionNamesTheProgramItsCommitAndItsLibraries) {
  const auto version = test::run({kProgram, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_TRUE(version.out.starts_with("lanspread " LANSPREAD_VERSION " (commit ")) << version.out;
  for (const char* library : {"ngtcp2 1.", "GnuTLS 3.", "libarchive 3."})
    EXPECT_NE(version.out.find(library), std::string::npos) << library << " in " << version.out;
}

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const char* command : {"app", "serve", "status", "list", "peers", "download", "install",
                              "uninstall", "remove", "verify"}) {
    const auto help = test::run({kProgram, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage:"), std::string::npos) << command << ": " << help.out;
    EXPECT_NE(help.out.find(command), std::string::npos) << command << ": " << help.out;
  }
  const auto top = test::run({kProgram, "--help"});
  for (const char* option : {"--games", "--state", "--port", "--peer", "--no-mdns", "--json"})
    EXPECT_NE(top.out.find(option), std::string::npos) << option;
  EXPECT_NE(top.out.find("Exit codes: 0 success, 1 failure (the reason on stderr), 2 bad usage."),
            std::string::npos)
      << top.out;
}

TEST_F(CliTest, GlobalOptionsMayFollowTheSubcommand) {
  test::write_file(dir_ / "games/quake3/version.ini", "1.32");
  const auto result =
      test::run({kProgram, "status", "--no-mdns", "--games", utf8_of(dir_ / "games"), "--state",
                 utf8_of(dir_ / "state"), "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["id"], "quake3");
  EXPECT_EQ(test::run({kProgram, "status", "--no-such-option"}).exit_code, 2);
}

TEST_F(CliTest, BadUserCatalogIsNamedWithItsLine) {
  test::write_file(dir_ / "games/.keep", "");
  test::write_file(dir_ / "state/catalog.jsonl", "# mine\n{\"id\": \"BAD ID\"}\n");
  const auto result = test::run(command({"status"}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(utf8_of(dir_ / "state" / "catalog.jsonl") + ":2:"), std::string::npos)
      << result.err;
}

TEST_F(CliTest, ServeLogsWhatItFoundAndStopsCleanlyOnCtrlC) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine gives a program under ctest no console that takes control events, so "
                    "no Ctrl-C or Ctrl-Break reaches the child (ChildProcessTest does the same)";
  test::write_file(dir_ / "games/cs16/version.ini", "20240315");
  test::ChildProcess serve(command({"serve"}));
  ASSERT_TRUE(serve.wait_for_output("cs16: downloaded, version 20240315", 20s)) << serve.err();
  serve.send_signal(SIGINT);
  EXPECT_EQ(serve.wait_exit(20s), 0) << serve.err();
  EXPECT_NE(serve.err().find("stopped cleanly"), std::string::npos) << serve.err();
}

TEST_F(CliTest, ServeJsonPrintsEvents) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine gives a program under ctest no console that takes control events, so "
                    "no Ctrl-C or Ctrl-Break reaches the child (ChildProcessTest does the same)";
  test::write_file(dir_ / "games/quake3/version.ini", "1.32");
  test::ChildProcess serve(command({"--json", "--upload-limit", "5", "serve"}));
  ASSERT_TRUE(serve.wait_for_output("\"event\":\"local-library-changed\"", 20s)) << serve.err();
  serve.send_signal(SIGTERM);
  EXPECT_EQ(serve.wait_exit(20s), 0);
  std::istringstream lines(serve.out());
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(lines, line);)
    events.push_back(nlohmann::json::parse(line));
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0]["event"], "listening");
  EXPECT_GT(events[0]["port"].get<int>(), 0);
  const auto named = [&events](std::string_view name) {
    const auto it =
        std::ranges::find_if(events, [name](const auto& e) { return e["event"] == name; });
    return it == events.end() ? nlohmann::json() : *it;
  };
  EXPECT_EQ(named("local-library-changed")["games"][0]["id"], "quake3");
  EXPECT_EQ(named("rate-limits-changed")["upload_limit_mbit"], 5);
  EXPECT_EQ(named("rate-limits-changed")["download_limit_mbit"], 0);
}

TEST_F(CliTest, ANegativeRateLimitIsBadUsage) {
  test::ChildProcess serve(command({"--upload-limit", "-3", "serve"}));
  EXPECT_EQ(serve.wait_exit(20s), 2);
  EXPECT_NE(serve.err().find("--upload-limit"), std::string::npos) << serve.err();
}

TEST_F(CliTest, InstallVerifyUninstallRemove) {
  const auto root = dir_ / "games/cs16";
  test::write_file(root / "version.ini", "20240315");
  std::filesystem::copy_file(
      std::string(LANSPREAD_TEST_ARCHIVES) + "/test_read_format_7zip_lzma2.7z", root / "cs16.7z");

  auto result = test::run(command({"install", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::is_directory(root / "local"));
  EXPECT_FALSE(std::filesystem::is_empty(root / "local"));
  EXPECT_NE(test::run(command({"status"})).out.find("installed"), std::string::npos);

  result = test::run(command({"--json", "verify", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["installed"], true);

  result = test::run(command({"remove", "cs16"}));
  EXPECT_EQ(result.exit_code, 1);  // refused while installed
  EXPECT_TRUE(std::filesystem::exists(root / "version.ini"));

  result = test::run(command({"uninstall", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(std::filesystem::exists(root / "local"));
  EXPECT_TRUE(std::filesystem::exists(root / "cs16.7z"));

  result = test::run(command({"remove", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST_F(CliTest, JsonInstallPrintsProgressEventsThenTheResult) {
  const auto root = dir_ / "games/cs16";
  test::write_file(root / "version.ini", "20240315");
  std::filesystem::copy_file(
      std::string(LANSPREAD_TEST_ARCHIVES) + "/test_read_format_7zip_lzma2.7z", root / "cs16.7z");
  const auto result = test::run(command({"--json", "install", "cs16"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::vector<nlohmann::json> printed;
  for (std::string line; std::getline(lines, line);)
    printed.push_back(nlohmann::json::parse(line));
  ASSERT_GE(printed.size(), 2u) << result.out;
  const auto& progress = printed.front();
  EXPECT_EQ(progress["event"], "install-game-progress");
  EXPECT_EQ(progress["game_id"], "cs16");
  EXPECT_EQ(progress["bytes_total"], std::filesystem::file_size(root / "cs16.7z"));
  EXPECT_LE(progress["bytes_done"].get<std::uint64_t>(), progress["bytes_total"]);
  EXPECT_EQ(printed.back()["action"], "install");
  EXPECT_EQ(printed.back()["ok"], true);
}

TEST_F(CliTest, TransactionsNeedACatalogIdAndAnId) {
  test::write_file(dir_ / "games/.keep", "");
  const auto unknown = test::run(command({"install", "not-a-game"}));
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("not a catalog game"), std::string::npos) << unknown.err;
  EXPECT_EQ(test::run(command({"install"})).exit_code, 2);
  const auto missing = test::run(command({"install", "cs16"}));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_FALSE(missing.err.empty());
}

}  // namespace
}  // namespace lanspread
