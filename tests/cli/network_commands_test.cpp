#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "base/utf8_path.hpp"
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
        std::vector<std::string>{kProgram, "--no-mdns", "--games", utf8_of(dir_ / "seed/games"),
                                 "--state", utf8_of(dir_ / "seed/state"), "serve"});
    ASSERT_TRUE(seeder_->wait_for_output("cs16: downloaded", 20s)) << seeder_->err();
    std::smatch match;
    const std::string log = seeder_->err();
    ASSERT_TRUE(
        std::regex_search(log, match, std::regex("peer (\\w+) listening on UDP port (\\d+)")));
    seeder_id_ = match[1];
    seeder_address_ = "127.0.0.1:" + std::string(match[2]);
  }

  test::Finished run(std::initializer_list<std::string> args) const {
    std::vector<std::string> argv = {kProgram, "--no-mdns",    "--state", utf8_of(dir_ / "look"),
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

  EXPECT_TRUE(peer["name"].is_string());
  EXPECT_TRUE(peer["previous_peer_id"].is_null());

  // Shown by name and the start of the fingerprint; --json has it whole.
  const auto human = run({"peers", "--wait", "2"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find(seeder_id_.substr(0, 16)), std::string::npos) << human.out;
  EXPECT_NE(human.out.find(peer["name"].get<std::string>()), std::string::npos) << human.out;
}

TEST_F(NetworkCommandsTest, APassphraseFileGatesWhatIsListed) {
  test::write_file(dir_ / "party.txt", "lan party 2026\n");
  test::write_file(dir_ / "wrong.txt", "lan party 2025\n");
  test::write_file(dir_ / "gated/games/quake3/version.ini", "1.32");
  test::write_file(dir_ / "gated/games/quake3/q3.zip", "payload");
  test::ChildProcess gated({kProgram, "--no-mdns", "--passphrase-file", utf8_of(dir_ / "party.txt"),
                            "--games", utf8_of(dir_ / "gated/games"), "--state",
                            utf8_of(dir_ / "gated/state"), "serve"});
  ASSERT_TRUE(gated.wait_for_output("quake3: downloaded", 20s)) << gated.err();
  std::smatch match;
  const std::string log = gated.err();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("listening on UDP port (\\d+)")));
  const std::string gated_address = "127.0.0.1:" + std::string(match[1]);
  const auto list = [&](const std::string& passphrase_file) {
    std::vector<std::string> argv = {kProgram, "--no-mdns",  "--state", utf8_of(dir_ / "look"),
                                     "--peer", gated_address};
    if (!passphrase_file.empty()) {
      argv.push_back("--passphrase-file");
      argv.push_back(utf8_of(dir_ / passphrase_file));
    }
    argv.insert(argv.end(), {"--json", "list", "--wait", "2"});
    return test::run(argv);
  };

  const auto member = list("party.txt");
  ASSERT_EQ(member.exit_code, 0) << member.err;
  EXPECT_NE(member.out.find("\"quake3\""), std::string::npos) << member.out;

  for (const std::string file : {"wrong.txt", ""}) {
    const auto outsider = list(file);
    ASSERT_EQ(outsider.exit_code, 0) << outsider.err;
    EXPECT_EQ(outsider.out, "") << file;
    EXPECT_NE(outsider.err.find("wrong or missing passphrase"), std::string::npos) << outsider.err;
  }
  EXPECT_TRUE(gated.wait_for_output("wrong or missing passphrase", 20s)) << gated.err();

  const auto missing = list("no-such-file.txt");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read the passphrase file"), std::string::npos) << missing.err;
  // The passphrase is never in a log line.
  EXPECT_EQ(gated.err().find("lan party 2026"), std::string::npos);
}

TEST_F(NetworkCommandsTest, NothingFoundIsNotAnError) {
  seeder_->kill();  // gone without a goodbye: nothing answers at its address
  const auto end = seeder_->wait(20s);
  ASSERT_TRUE(end && end->killed);
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
