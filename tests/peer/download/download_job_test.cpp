#include "peer/download/download_job.hpp"

#include <gtest/gtest.h>

#include <asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>

#include "peer/library/block_hash_cache.hpp"
#include "peer/services/game_client.hpp"
#include "support/loopback_server.hpp"
#include "support/run_coroutine.hpp"
#include "support/temp_dir.hpp"

// One DownloadJob against a real GameServer over QUIC on loopback, with the
// job's view of its source's connection under the test's control.
namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DownloadJobTest : public test::LoopbackServerTest {
 protected:
  DownloadJobTest() {
    test::write_file(seeded() / "version.ini", "2");
    test::write_file(seeded() / "cs16.rar", std::string(3 * 1024 * 1024 + 17, 'r'));
    serve_games_in(dir_ / "seed");
    start_server(&hashes_);
    connection_ = connect();
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

  asio::thread_pool blocks_{2};
  BlockHashCache hashes_{server_state_.path()};
  std::optional<transport::Connection> connection_;
};

TEST_F(DownloadJobTest, VersionIniIsAskedForAgainUntilItsSourceIsBackWithinTheGrace) {
  auto files = manifest();
  // Every block is on disk already: the job goes straight to version.ini,
  // and its source is away for the first three asks.
  test::write_file(downloaded() / "cs16.rar", test::read_file(seeded() / "cs16.rar"));
  int asks = 0;
  std::optional<Result<void>> outcome;
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
                           .ended = [&](const Result<void>& ended) { outcome = ended; }});
  io_.restart();  // stopped by the last run_coroutine
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!outcome && std::chrono::steady_clock::now() < give_up)
    io_.run_one_for(100ms);
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(*outcome) << "finished, not failed or cancelled: " << outcome->error();
  EXPECT_GT(asks, 3);
  EXPECT_EQ(test::read_file(downloaded() / "version.ini"), "2");
}

}  // namespace
}  // namespace lanspread::peer::download
