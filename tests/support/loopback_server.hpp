#pragma once

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/thread_pool.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "peer/catalog/catalog.hpp"
#include "peer/services/game_server.hpp"
#include "proto/game.hpp"
#include "support/temp_dir.hpp"
#include "transport/endpoint.hpp"
#include "transport/identity.hpp"

namespace lanspread::test {

// The setting of the tests of a peer's services over real QUIC: a GameServer
// on a loopback endpoint, serving the downloaded catalog games of one folder,
// and a client endpoint with an identity of its own to reach it.
class LoopbackServerTest : public ::testing::Test {
 protected:
  // What the server serves from now on: the games under `game_dir`, scanned
  // now (so write them first).
  void serve_games_in(const std::filesystem::path& game_dir);
  // Starts the server on a fresh endpoint, replacing any server before it;
  // the optional parts are GameServer's (block hashes, the party check, the
  // games still downloading), owned by the test.
  void start_server(peer::BlockHashCache* hashes = nullptr, peer::PartyAuth* auth = nullptr,
                    const peer::PartialGames* partial = nullptr);
  // The server goes before the test's own parts it points into.
  void TearDown() override;

  asio::ip::udp::endpoint server_address() const { return server_endpoint_->local_endpoint(); }
  // A new connection from the client endpoint to the server.
  transport::Connection connect();

  TempDir dir_;
  TempDir server_state_;
  TempDir client_state_;
  peer::Catalog catalog_ = peer::Catalog::bundled();
  std::filesystem::path game_dir_;
  std::shared_ptr<const std::vector<proto::Game>> announced_;
  transport::Identity server_identity_ =
      transport::load_or_create_identity(server_state_.path()).value();
  transport::Identity client_identity_ =
      transport::load_or_create_identity(client_state_.path()).value();
  asio::io_context io_;
  asio::thread_pool disk_{1};
  std::optional<peer::GameServer> server_;
  std::optional<transport::Endpoint> server_endpoint_;
  transport::Endpoint client_{
      io_, client_identity_,
      transport::EndpointOptions{.bind = {asio::ip::address_v4::loopback(), 0},
                                 .accept_incoming = false}};
};

}  // namespace lanspread::test
