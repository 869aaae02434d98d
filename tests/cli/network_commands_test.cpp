#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

// `lanspread list` and `lanspread peers` against a real `lanspread serve`
// on loopback, introduced by address.
namespace lanspread {
namespace {
using namespace std::chrono_literals;

const std::string kProgram = LANSPREAD_BINARY;

class NetworkCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir_ / "seed/games/cs16/version.ini", "20240315");
    test::write_file(dir_ / "seed/games/cs16/cs16.zip", "payload");
    seeder_ = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{kProgram, "--no-mdns", "--games", (dir_ / "seed/games").string(),
                                 "--state", (dir_ / "seed/state").string(), "serve"});
    ASSERT_TRUE(seeder_->wait_for_output("cs16: downloaded", 20s)) << seeder_->err();
    std::smatch match;
    const std::string log = seeder_->err();
    ASSERT_TRUE(
        std::regex_search(log, match, std::regex("peer (\\w+) listening on UDP port (\\d+)")));
    seeder_id_ = match[1];
    seeder_address_ = "127.0.0.1:" + std::string(match[2]);
  }

  test::Finished run(std::initializer_list<std::string> args) const {
    std::vector<std::string> argv = {kProgram, "--no-mdns",    "--state", (dir_ / "look").string(),
                                     "--peer", seeder_address_};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv);
  }

  test::TempDir dir_;
  std::unique_ptr<test::ChildProcess> seeder_;
  std::string seeder_id_;
  std::string seeder_address_;
};

TEST_F(NetworkCommandsTest, ListPrintsTheGamesOnTheNetwork) {
  const auto human = run({"list", "--wait", "2"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("Counter-Strike 1.6 (cs16)"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("20240315"), std::string::npos) << human.out;

  const auto json = run({"--json", "list", "--wait", "2"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto game = nlohmann::json::parse(json.out);
  EXPECT_EQ(game["id"], "cs16");
  EXPECT_EQ(game["version"], "20240315");
  EXPECT_EQ(game["peer_count"], 1);
  EXPECT_EQ(game["size"], 15);  // the archive and version.ini
}

TEST_F(NetworkCommandsTest, PeersPrintsThePeersFound) {
  const auto json = run({"--json", "peers", "--wait", "2"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto peer = nlohmann::json::parse(json.out);
  EXPECT_EQ(peer["peer_id"], seeder_id_);
  EXPECT_EQ(peer["address"], seeder_address_);

  const auto human = run({"peers", "--wait", "2"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find(seeder_id_), std::string::npos) << human.out;
}

TEST_F(NetworkCommandsTest, NothingFoundIsNotAnError) {
  seeder_->send_signal(SIGTERM);
  ASSERT_EQ(seeder_->wait_exit(20s), 0);
  const auto result = run({"list", "--wait", "1"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("no games found on 0 peer(s)"), std::string::npos) << result.out;
}

TEST_F(NetworkCommandsTest, ABadPeerAddressIsBadUsage) {
  const auto result = test::run({kProgram, "--peer", "nowhere", "list"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("expected HOST:PORT"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace lanspread
