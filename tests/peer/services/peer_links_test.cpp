#include "peer/services/peer_links.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>

#include "peer/services/party_auth.hpp"
#include "support/loopback_server.hpp"
#include "support/temp_dir.hpp"

// PeerLinks over real QUIC on loopback, against a real game server: the
// transfer connections it spreads file requests over.
namespace lanspread::peer {
namespace {
using namespace std::chrono_literals;

class PeerLinksTest : public test::LoopbackServerTest {
 protected:
  PeerLinksTest() {
    test::write_file(dir_.path() / "games/cs16/version.ini", "1");
    test::write_file(dir_.path() / "games/cs16/cs16.zip", "payload");
    serve_games_in(dir_.path() / "games");
    start_server(nullptr, &server_auth_);
  }

  // A PeerLinks dialling the server by address, live once the server answered.
  void link_with(std::size_t transfer_connections) {
    links_.emplace(
        io_, client_, client_auth_, client_identity_.fingerprint,
        LivenessOptions{.refused_retry = 200ms, .transfer_connections = transfer_connections},
        PeerLinks::Reports{.alive = [this](const std::string& id, const auto&) { alive_ = id; },
                           .games = [](const auto&, auto) {},
                           .lost = [](const auto&) {}});
    links_->start();
    links_->add_address(server_address());
    ASSERT_TRUE(run_until([&] { return alive_.has_value(); }));
  }

  // Asks for transfer connections until `count` different ones came back.
  bool run_until_transfer_connections(std::size_t count) {
    std::set<std::string> seen;
    return run_until([&] {
      if (auto connection = links_->transfer_connection(*alive_))
        seen.insert(fingerprint_of(*connection));
      return seen.size() == count;
    });
  }

  // Runs the io_context until `done` holds; false after 10 s.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      io_.run_one_for(50ms);
    }
    return true;
  }

  // Telling connections apart: every TLS session exports its own bytes.
  static std::string fingerprint_of(const transport::Connection& connection) {
    return connection.export_keying_material("lanspread test", "", 16);
  }

  PartyAuth server_auth_{server_identity_.fingerprint, "server-box", std::nullopt};
  PartyAuth client_auth_{client_identity_.fingerprint, "client-box", std::nullopt};
  std::optional<std::string> alive_;
  std::optional<PeerLinks> links_;
};

TEST_F(PeerLinksTest, TransfersAreSpreadOverTheTransferConnectionsOnceDialled) {
  link_with(3);
  ASSERT_EQ(alive_, server_identity_.fingerprint);
  const auto primary = fingerprint_of(links_->connection(*alive_).value());

  // The first asks go on the connection there is; the others are dialled
  // meanwhile, admitted by the server like any connection of that peer.
  ASSERT_EQ(fingerprint_of(*links_->transfer_connection(*alive_)), primary);
  ASSERT_TRUE(run_until_transfer_connections(3));

  std::multiset<std::string> used;
  for (int i = 0; i < 9; ++i) {
    auto connection = links_->transfer_connection(*alive_);
    ASSERT_TRUE(connection);
    EXPECT_TRUE(connection->is_open());
    used.insert(fingerprint_of(*connection));
  }
  EXPECT_EQ(used.count(primary), 3u);
  EXPECT_EQ(std::set(used.begin(), used.end()).size(), 3u) << "each connection taken in turn";
  EXPECT_EQ(server_endpoint_->connection_count(), 3u) << "no more than asked for";
}

TEST_F(PeerLinksTest, OneTransferConnectionMeansThePeersOwnConnection) {
  link_with(1);
  const auto primary = fingerprint_of(links_->connection(*alive_).value());
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(fingerprint_of(*links_->transfer_connection(*alive_)), primary);
  // Whatever a dial would have needed has had its chance to run.
  io_.restart();
  io_.poll();
  EXPECT_EQ(server_endpoint_->connection_count(), 1u);
}

TEST_F(PeerLinksTest, ATransferConnectionThatClosedIsReplacedAndAllCloseWithThePeer) {
  link_with(2);
  ASSERT_TRUE(run_until_transfer_connections(2));
  const auto primary = fingerprint_of(links_->connection(*alive_).value());
  auto first = links_->transfer_connection(*alive_);
  auto second = links_->transfer_connection(*alive_);
  auto& extra = fingerprint_of(*first) == primary ? *second : *first;
  const auto closed = fingerprint_of(extra);
  extra.close();

  // A closed one is never handed out; a new one takes its place.
  std::set<std::string> seen;
  ASSERT_TRUE(run_until([&] {
    auto connection = links_->transfer_connection(*alive_);
    EXPECT_NE(fingerprint_of(*connection), closed);
    seen.insert(fingerprint_of(*connection));
    return seen.size() == 2;
  }));

  links_->departed(*alive_);
  EXPECT_FALSE(links_->transfer_connection(*alive_));
  EXPECT_TRUE(run_until([&] { return server_endpoint_->connection_count() == 0; }));
}

}  // namespace
}  // namespace lanspread::peer
