#include "peer/download/download_job.hpp"

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>

#include "peer/catalog/catalog.hpp"
#include "peer/library/block_hash_cache.hpp"
#include "peer/library/library_index.hpp"
#include "peer/library/scan.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/game_server.hpp"
#include "support/temp_dir.hpp"
#include "transport/endpoint.hpp"
#include "transport/identity.hpp"
#include "support/run_coroutine.hpp"

// One DownloadJob against a real GameServer over QUIC on loopback, with the
// job's view of its source's connection under the test's control.
namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DownloadJobTest : public ::testing::Test {
 protected:
  DownloadJobTest() {
    test::write_file(seeded() / "version.ini", "2");
    test::write_file(seeded() / "cs16.rar", std::string(3 * 1024 * 1024 + 17, 'r'));
    LibraryIndex index;
    announced_ = std::make_shared<const std::vector<proto::Game>>(
        scan_local_library(dir_ / "seed", catalog_, index).announced);
  }
  fs::path seeded() const { return dir_ / "seed/cs16"; }
  fs::path downloaded() const { return dir_ / "download/cs16"; }

  // The seeder's manifest, as a downloader gets it.
  std::vector<proto::GameFileDescription> manifest() {
    return test::run_coroutine(
        io_, [this]() -> asio::awaitable<std::vector<proto::GameFileDescription>> {
          const proto::Request request{.body = proto::GetGameRequest{.game_id = "cs16"}};
          auto reply = co_await send_request(*connection_, request);
          co_return std::get<proto::GameFilesResponse>(reply.response).files;
        }());
  }

  test::TempDir dir_;
  test::TempDir state_;
  Catalog catalog_ = Catalog::bundled();
  std::shared_ptr<const std::vector<proto::Game>> announced_;
  transport::Identity identity_ = transport::load_or_create_identity(state_.path());
  asio::io_context io_;
  asio::thread_pool disk_{1};
  asio::thread_pool blocks_{2};
  BlockHashCache hashes_{state_.path()};
  GameServer server_{catalog_,
                     [this] {
                       return GameServer::Library{dir_ / "seed", announced_};
                     },
                     disk_, &hashes_};
  transport::Endpoint server_endpoint_{
      io_, identity_, transport::EndpointOptions{.bind = {asio::ip::address_v4::loopback(), 0}},
      [this](transport::Connection c, transport::Stream s) {
        return server_.serve(std::move(c), std::move(s));
      }};
  transport::Endpoint client_{
      io_, identity_,
      transport::EndpointOptions{.bind = {asio::ip::address_v4::loopback(), 0},
                                 .accept_incoming = false}};
  std::optional<transport::Connection> connection_ =
      test::run_coroutine(io_, [this]() -> asio::awaitable<std::optional<transport::Connection>> {
        co_return co_await client_.connect(server_endpoint_.local_endpoint());
      }());
};

TEST_F(DownloadJobTest, VersionIniIsAskedForAgainUntilItsSourceIsBackWithinTheGrace) {
  auto files = manifest();
  // Every block is on disk already: the job goes straight to version.ini,
  // and its source is away for the first three asks.
  test::write_file(downloaded() / "cs16.rar", test::read_file(seeded() / "cs16.rar"));
  int asks = 0;
  std::optional<JobOutcome> outcome;
  auto job = DownloadJob::start(
      io_, disk_, blocks_,
      DownloadJob::Setup{.game_root = downloaded(),
                         .game_id = "cs16",
                         .manifest = std::move(files),
                         .sources = {"seeder"},
                         .source_grace = 10s},
      [&](const std::string&) -> std::optional<transport::Connection> {
        return ++asks <= 3 ? std::nullopt : connection_;
      },
      DownloadJob::Reports{.begun = [] {},
                           .progress = [](const JobProgress&) {},
                           .ended = [&](const JobOutcome& ended) { outcome = ended; }});
  io_.restart();  // stopped by the last run_coroutine
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!outcome && std::chrono::steady_clock::now() < give_up)
    io_.run_one_for(100ms);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->kind, JobOutcome::Kind::Finished) << outcome->reason;
  EXPECT_GT(asks, 3);
  EXPECT_EQ(test::read_file(downloaded() / "version.ini"), "2");
}

}  // namespace
}  // namespace lanspread::peer::download
