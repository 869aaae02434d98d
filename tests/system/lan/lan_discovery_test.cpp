#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "support/child_process.hpp"
#include "support/simulated_lan.hpp"
#include "support/temp_dir.hpp"

// Three hosts on a simulated LAN (network namespaces on a bridge), each
// running `lanspread serve` with its own library: they find each other and
// each other's games, notice a killed peer within the ping timeout and a
// cleanly stopped one at once, and find a restarted one again.
namespace lanspread {
namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::uint16_t kPort = 40123;
const std::string kProgram = LANSPREAD_BINARY;
const char* const kGames[] = {"cs16", "quake3", "factorio"};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class LanDiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = test::SimulatedLan::unavailable_reason())
      GTEST_SKIP() << "simulated LAN tests skipped: " << *reason;
    lan_.emplace(3);
    for (std::size_t host = 0; host < 3; ++host) {
      test::write_file(dir_ / std::to_string(host) / "games" / kGames[host] / "version.ini", "1");
      test::write_file(dir_ / std::to_string(host) / "games" / kGames[host] / "data.zip", "x");
    }
    peers_.resize(3);
    ids_.resize(3);
  }

  // Starts host `host`'s peer, given the others by address.
  void start(std::size_t host) {
    const auto root = dir_ / std::to_string(host);
    std::vector<std::string> argv = {kProgram,  "--json",
                                     "--games", (root / "games").string(),
                                     "--state", (root / "state").string(),
                                     "--port",  std::to_string(kPort)};
    for (std::size_t other = 0; other < 3 && by_address_; ++other) {
      if (other != host) {
        argv.emplace_back("--peer");
        argv.push_back(lan_->address(other) + ":" + std::to_string(kPort));
      }
    }
    argv.emplace_back("serve");
    peers_[host] = std::make_unique<test::ChildProcess>(lan_->on_host(host, argv));
    views_[host] = View{};
    const auto listening = next_event(host, "listening", 20s);
    ASSERT_TRUE(listening) << peers_[host]->err();
    ids_[host] = (*listening)["peer_id"];
  }

  std::optional<json> next_event(std::size_t host, const std::string& name,
                                 std::chrono::milliseconds timeout,
                                 const std::function<bool(const json&)>& accept = {}) {
    const auto line = peers_[host]->next_line(
        [&](const std::string& text) {
          const auto event = json::parse(text, nullptr, false);
          return !event.is_discarded() && event.value("event", "") == name &&
                 (!accept || accept(event));
        },
        timeout);
    return line ? std::optional(json::parse(*line)) : std::nullopt;
  }

  // What one host's peer has said so far.
  struct View {
    std::set<std::string> peers;
    std::size_t games_offered = 0;  // titles of the merged library some peer offers
    std::size_t games_shown = 0;
  };

  // Reads `host`'s events until `done(view)` holds; false on timeout.
  bool wait_until(std::size_t host, const std::function<bool(const View&)>& done,
                  std::chrono::milliseconds timeout) {
    auto& view = views_[host];
    if (done(view))
      return true;
    return peers_[host]
        ->next_line(
            [&](const std::string& text) {
              const auto event = json::parse(text, nullptr, false);
              if (event.is_discarded())
                return false;
              const auto name = event.value("event", "");
              if (name == "peer-discovered")
                view.peers.insert(event["peer_id"].get<std::string>());
              if (name == "peer-lost")
                view.peers.erase(event["peer_id"].get<std::string>());
              if (name == "aggregated-library-changed") {
                view.games_shown = event["games"].size();
                view.games_offered = 0;
                for (const auto& game : event["games"])
                  view.games_offered += game["peer_count"].get<int>() > 0 ? 1 : 0;
              }
              return done(view);
            },
            timeout)
        .has_value();
  }
  bool sees_peer(std::size_t host, std::size_t other, std::chrono::milliseconds timeout) {
    return wait_until(
        host, [&](const View& v) { return v.peers.contains(ids_[other]); }, timeout);
  }
  bool loses_peer(std::size_t host, std::size_t other, std::chrono::milliseconds timeout) {
    return wait_until(
        host, [&](const View& v) { return !v.peers.contains(ids_[other]); }, timeout);
  }
  // Its own game plus the two the others offer, in one list.
  bool sees_all_games(std::size_t host, std::chrono::milliseconds timeout) {
    return wait_until(
        host, [](const View& v) { return v.games_offered == 2 && v.games_shown == 3; }, timeout);
  }

  test::TempDir dir_;
  std::optional<test::SimulatedLan> lan_;
  std::vector<std::unique_ptr<test::ChildProcess>> peers_;
  std::vector<std::string> ids_;
  std::map<std::size_t, View> views_;
  bool by_address_ = false;

  // The scenario at the top of this file, with whatever discovery the test
  // set up.
  void find_each_other_and_notice_departures();
};

TEST_F(LanDiscoveryTest, PeersFoundByMdnsFindEachOtherAndNoticeDepartures) {
  find_each_other_and_notice_departures();
}

TEST_F(LanDiscoveryTest, WithMulticastBlockedPeersGivenByAddressDoTheSame) {
  lan_->block_multicast();
  by_address_ = true;
  find_each_other_and_notice_departures();
}

void LanDiscoveryTest::find_each_other_and_notice_departures() {
  const auto started = Clock::now();
  for (std::size_t host = 0; host < 3; ++host)
    start(host);
  for (std::size_t host = 0; host < 3; ++host) {
    for (std::size_t other = 0; other < 3; ++other) {
      if (other != host) {
        ASSERT_TRUE(sees_peer(host, other, 10s)) << host << " does not see " << other;
      }
    }
    ASSERT_TRUE(sees_all_games(host, 10s)) << host << " does not see every game";
  }
  std::cout << "[figure] all 3 peers see each other and every game " << seconds_since(started)
            << " s after the first start\n";

  // `lanspread list` and `peers` from a fourth program on host 0.
  std::vector<std::string> look = {kProgram, "--json", "--state", (dir_ / "look").string()};
  for (std::size_t other = 0; other < 3 && by_address_; ++other) {
    look.emplace_back("--peer");
    look.push_back(lan_->address(other) + ":" + std::to_string(kPort));
  }
  auto list = look;
  list.insert(list.end(), {"list", "--wait", "3"});
  const auto games = test::run(lan_->on_host(0, list));
  ASSERT_EQ(games.exit_code, 0) << games.err;
  std::set<std::string> listed;
  std::istringstream game_lines(games.out);
  for (std::string line; std::getline(game_lines, line);)
    listed.insert(json::parse(line)["id"].get<std::string>());
  EXPECT_EQ(listed, (std::set<std::string>{kGames[0], kGames[1], kGames[2]})) << games.out;
  auto peers = look;
  peers.insert(peers.end(), {"peers", "--wait", "3"});
  const auto found = test::run(lan_->on_host(0, peers));
  ASSERT_EQ(found.exit_code, 0) << found.err;
  std::set<std::string> peer_ids;
  std::istringstream peer_lines(found.out);
  for (std::string line; std::getline(peer_lines, line);)
    peer_ids.insert(json::parse(line)["peer_id"].get<std::string>());
  EXPECT_EQ(peer_ids, (std::set<std::string>(ids_.begin(), ids_.end()))) << found.out;

  const auto killed = Clock::now();
  peers_[2]->send_signal(SIGKILL);
  ASSERT_TRUE(loses_peer(0, 2, 15s));
  std::cout << "[figure] a SIGKILLed peer is dropped after " << seconds_since(killed) << " s\n";
  ASSERT_TRUE(loses_peer(1, 2, 15s));

  const auto stopped = Clock::now();
  peers_[1]->send_signal(SIGTERM);
  ASSERT_TRUE(loses_peer(0, 1, 15s));
  const double noticed = seconds_since(stopped);
  std::cout << "[figure] a cleanly stopped peer is dropped after " << noticed << " s\n";
  EXPECT_LT(noticed, 3.0) << "a clean stop must not wait for the ping timeout";

  const auto restarted = Clock::now();
  start(2);
  ASSERT_TRUE(sees_peer(0, 2, 15s));
  std::cout << "[figure] a restarted peer is found again after " << seconds_since(restarted)
            << " s\n";
}

}  // namespace
}  // namespace lanspread
