#include "support/loopback_server.hpp"

#include "peer/library/library_index.hpp"
#include "peer/library/scan.hpp"
#include "support/run_coroutine.hpp"

namespace lanspread::test {

void LoopbackServerTest::serve_games_in(const std::filesystem::path& game_dir) {
  game_dir_ = game_dir;
  peer::LibraryIndex index;
  announced_ = std::make_shared<const std::vector<proto::Game>>(
      peer::scan_local_library(game_dir, catalog_, index).announced);
}

void LoopbackServerTest::start_server(peer::BlockHashCache* hashes, peer::PartyAuth* auth,
                                      const peer::PartialGames* partial) {
  server_endpoint_.reset();
  server_.emplace(
      catalog_,
      [this] {
        return peer::GameServer::Library{game_dir_, announced_};
      },
      disk_, hashes, auth, std::nullopt, partial);
  server_endpoint_.emplace(
      io_, server_identity_,
      transport::EndpointOptions{.bind = {asio::ip::address_v4::loopback(), 0}},
      [this](transport::Connection c, transport::Stream s) {
        return server_->serve(std::move(c), std::move(s));
      });
}

void LoopbackServerTest::TearDown() {
  server_endpoint_.reset();
  server_.reset();
}

transport::Connection LoopbackServerTest::connect() {
  // run_coroutine needs a default-constructible result.
  return *run_coroutine(io_, [this]() -> asio::awaitable<std::optional<transport::Connection>> {
    co_return co_await client_.connect(server_address());
  }());
}

}  // namespace lanspread::test
