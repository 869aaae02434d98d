#include "peer/services/game_server.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/thread_pool.hpp>
#include <filesystem>
#include <random>

#include "peer/library/block_hash.hpp"
#include "peer/library/block_hash_cache.hpp"
#include "peer/services/game_client.hpp"
#include "peer/services/partial_games.hpp"
#include "proto/codec.hpp"
#include "support/loopback_server.hpp"
#include "support/run_coroutine.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using asio::awaitable;

proto::Request make(proto::RequestBody body) {
  return proto::Request{.body = std::move(body)};
}

class GameServerTest : public test::LoopbackServerTest {
 protected:
  GameServerTest() {
    test::write_file(games() / "cs16/version.ini", "20240315");
    test::write_file(games() / "cs16/cs16.rar", payload_);
    test::write_file(games() / "cs16/maps/de_dust2.bsp", "dust");
    test::write_file(games() / "cs16/local/secret.cfg", "installed files are not shared");
    test::write_file(dir_ / "outside/secret.txt", "not yours");
    test::create_symlink(dir_ / "outside/secret.txt", games() / "cs16/escape.txt");
    test::create_symlink(dir_ / "outside", games() / "cs16/escape-dir");
    test::write_file(games() / "quake3/q3.pk3", "no sentinel: not downloaded");
    test::write_file(games() / "homebrew/version.ini", "1");  // not a catalog id
    serve_games_in(games());
    start_server(&hashes_, nullptr, &partial_);
  }

  fs::path games() const { return dir_ / "games"; }

  // Sends `request` and returns the response (data, when any, is left unread).
  proto::Response ask(const proto::Request& request) {
    return test::run_coroutine(io_, [&]() -> awaitable<proto::Response> {
      auto connection = co_await client_.connect(server_address());
      auto reply = co_await send_request(connection, request);
      co_return reply.response;
    }());
  }

  proto::ErrorResponse refusal(const proto::Request& request) {
    const auto response = ask(request);
    const auto* error = std::get_if<proto::ErrorResponse>(&response);
    if (error == nullptr) {
      ADD_FAILURE() << "expected an error response";
      return {};
    }
    return *error;
  }

  proto::ErrorResponse raw_refusal(std::string bytes) {
    const auto response = test::run_coroutine(io_, [&]() -> awaitable<proto::Response> {
      auto connection = co_await client_.connect(server_address());
      auto stream = co_await connection.open_stream();
      co_await stream.write(bytes);
      stream.finish();
      co_return co_await read_response(stream);
    }());
    const auto* error = std::get_if<proto::ErrorResponse>(&response);
    if (error == nullptr) {
      ADD_FAILURE() << "expected an error response";
      return {};
    }
    return *error;
  }

  std::string fetch(const proto::Request& request) {
    return test::run_coroutine(io_, [&]() -> awaitable<std::string> {
      auto connection = co_await client_.connect(server_address());
      auto reply = co_await send_request(connection, request);
      const auto& header = std::get<proto::FileDataResponse>(reply.response);
      std::string bytes(header.length, '\0');
      co_await read_exactly(reply.stream, std::as_writable_bytes(std::span(bytes)));
      co_return bytes;
    }());
  }

  std::string payload_ = std::string(3 * 1024 * 1024 + 17, 'p');
  BlockHashCache hashes_{server_state_.path()};
  PartialGames partial_;
};

TEST_F(GameServerTest, AnswersPingAndListsDownloadedCatalogGames) {
  EXPECT_TRUE(std::holds_alternative<proto::PongResponse>(ask(make(proto::PingRequest{}))));
  const auto games = std::get<proto::GamesResponse>(ask(make(proto::ListGamesRequest{}))).games;
  ASSERT_EQ(games.size(), 1u);
  EXPECT_EQ(games[0].id, "cs16");
  EXPECT_EQ(games[0].version, "20240315");
}

TEST_F(GameServerTest, ServesTheManifestWithoutLocalOrLinks) {
  const auto files =
      std::get<proto::GameFilesResponse>(ask(make(proto::GetGameRequest{"cs16"}))).files;
  std::vector<std::string> paths;
  for (const auto& f : files)
    paths.push_back(f.relative_path);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths,
            (std::vector<std::string>{"cs16.rar", "maps", "maps/de_dust2.bsp", "version.ini"}));
}

TEST_F(GameServerTest, TheManifestCarriesTheHashOfEveryMebibyteBlock) {
  const auto files =
      std::get<proto::GameFilesResponse>(ask(make(proto::GetGameRequest{"cs16"}))).files;
  const auto contents = [&](const std::string& path) {
    return path == "cs16.rar" ? payload_ : path == "version.ini" ? "20240315" : "dust";
  };
  std::size_t hashed = 0;
  for (const auto& file : files) {
    if (file.is_dir)
      continue;
    EXPECT_EQ(file.block_size, 1024u * 1024) << file.relative_path;
    const auto data = contents(file.relative_path);
    ASSERT_EQ(file.block_hashes.size(), (data.size() + file.block_size - 1) / file.block_size);
    for (std::size_t i = 0; i < file.block_hashes.size(); ++i) {
      const auto block = std::string_view(data).substr(i * file.block_size, file.block_size);
      EXPECT_EQ(file.block_hashes[i], sha256(std::as_bytes(std::span(block))))
          << file.relative_path << " block " << i;
      ++hashed;
    }
  }
  EXPECT_EQ(hashed, 4u + 1 + 1);
}

TEST_F(GameServerTest, AManifestOfThousandsOfFilesArrivesWholeWhenDecodedOnAPool) {
  constexpr int kExtra = 2000;
  for (int i = 0; i < kExtra; ++i)
    test::write_file(games() / "cs16/config" / std::to_string(i % 7) / (std::to_string(i) + ".cfg"),
                     std::to_string(i));
  const auto request = make(proto::GetGameRequest{"cs16"});
  asio::thread_pool decode_pool{1};
  const auto on_pool = test::run_coroutine(io_, [&]() -> awaitable<proto::Response> {
    auto connection = co_await client_.connect(server_address());
    auto reply = co_await send_request(connection, request, &decode_pool);
    co_return reply.response;
  }());
  const auto inline_decoded = ask(request);
  ASSERT_GT(proto::encode(on_pool).size(), 64u * 1024) << "small enough to be decoded inline";
  EXPECT_EQ(on_pool, inline_decoded);
  const auto& files = std::get<proto::GameFilesResponse>(on_pool).files;
  EXPECT_EQ(
      std::ranges::count_if(files, [](const auto& f) { return f.relative_path.ends_with(".cfg"); }),
      kExtra);
}

TEST_F(GameServerTest, ServesWholeFilesAndRanges) {
  EXPECT_EQ(fetch(make(proto::GetGameFileDataRequest{"cs16", "cs16.rar"})), payload_);
  EXPECT_EQ(fetch(make(proto::GetGameFileDataRequest{"cs16", "maps/de_dust2.bsp"})), "dust");
  EXPECT_EQ(fetch(make(proto::GetGameFileChunkRequest{"cs16", "version.ini", 2, 4})), "2403");
  EXPECT_EQ(fetch(make(proto::GetGameFileChunkRequest{"cs16", "version.ini", 8, 0})), "");
}

TEST_F(GameServerTest, RefusesGamesItMustNotServe) {
  EXPECT_EQ(refusal(make(proto::GetGameRequest{"homebrew"})).code, proto::ErrorCode::UnknownGame);
  EXPECT_EQ(refusal(make(proto::GetGameRequest{"../games/cs16"})).code,
            proto::ErrorCode::UnknownGame);
  EXPECT_EQ(refusal(make(proto::GetGameRequest{"quake3"})).code, proto::ErrorCode::NotFound);
  EXPECT_EQ(refusal(make(proto::GetGameFileDataRequest{"quake3", "q3.pk3"})).code,
            proto::ErrorCode::NotFound);
}

TEST_F(GameServerTest, AGameStillDownloadingIsSharedOnlyWhereItsBlocksAreVerified) {
  // quake3 has no version.ini: this peer is downloading it.
  const std::string payload = "no sentinel: not downloaded";
  const auto chunk = [](std::uint64_t offset, std::uint64_t length) {
    return make(proto::GetGameFileChunkRequest{"quake3", "q3.pk3", offset, length});
  };
  proto::Sha256Digest manifest{};
  manifest.fill(3);
  const auto map_request = make(proto::GetBlockMapRequest{"quake3", manifest});
  EXPECT_EQ(refusal(map_request).code, proto::ErrorCode::NotFound);
  EXPECT_EQ(refusal(chunk(0, 8)).code, proto::ErrorCode::NotFound);

  // Four 8-byte blocks, the first and the third verified.
  partial_.publish("quake3", manifest,
                   {{.relative_path = "q3.pk3", .size = payload.size(), .block_size = 8}},
                   {true, false, true, false});
  const auto map = std::get<proto::BlockMapResponse>(ask(map_request));
  EXPECT_EQ(map.game_id, "quake3");
  EXPECT_EQ(map.blocks, (std::vector<bool>{true, false, true, false}));
  proto::Sha256Digest another{};
  EXPECT_EQ(refusal(make(proto::GetBlockMapRequest{"quake3", another})).code,
            proto::ErrorCode::NotFound);
  EXPECT_EQ(fetch(chunk(0, 8)), payload.substr(0, 8));
  EXPECT_EQ(fetch(chunk(17, 5)), payload.substr(17, 5));
  EXPECT_EQ(refusal(chunk(4, 8)).code, proto::ErrorCode::NotFound) << "block 1 is not verified";
  EXPECT_EQ(refusal(chunk(24, 3)).code, proto::ErrorCode::NotFound);
  EXPECT_EQ(refusal(make(proto::GetGameRequest{"quake3"})).code, proto::ErrorCode::NotFound);
  EXPECT_EQ(refusal(make(proto::GetGameFileDataRequest{"quake3", "q3.pk3"})).code,
            proto::ErrorCode::NotFound);

  partial_.mark_verified("quake3", 1);
  EXPECT_EQ(fetch(chunk(4, 8)), payload.substr(4, 8));
  partial_.withdraw("quake3");
  EXPECT_EQ(refusal(chunk(0, 8)).code, proto::ErrorCode::NotFound);
  EXPECT_EQ(refusal(map_request).code, proto::ErrorCode::NotFound);
}

TEST_F(GameServerTest, RefusesPathsOutsideTheServedPayload) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  for (const auto* path :
       {"../quake3/q3.pk3", "maps/../../quake3/q3.pk3", "/etc/passwd", "local/secret.cfg",
        ".local.backup/x", "escape.txt", "escape-dir/secret.txt", "maps//de_dust2.bsp",
        "maps/./de_dust2.bsp", "", "maps"}) {
    const auto error = refusal(make(proto::GetGameFileDataRequest{"cs16", path}));
    EXPECT_EQ(error.code, proto::ErrorCode::NotAllowed) << path << ": " << error.message;
  }
  EXPECT_EQ(refusal(make(proto::GetGameFileDataRequest{"cs16", "missing.rar"})).code,
            proto::ErrorCode::NotFound);
}

TEST_F(GameServerTest, RefusesRangesPastTheEnd) {
  for (const auto& [offset, length] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 9}, {9, 0}, {8, 1}, {1ULL << 62, 1}}) {
    EXPECT_EQ(
        refusal(make(proto::GetGameFileChunkRequest{"cs16", "version.ini", offset, length})).code,
        proto::ErrorCode::InvalidRequest)
        << offset << "+" << length;
  }
}

TEST_F(GameServerTest, RefusesMalformedOversizedAndForeignRequests) {
  EXPECT_EQ(raw_refusal("{not json").code, proto::ErrorCode::InvalidRequest);
  EXPECT_EQ(raw_refusal(R"({"protocol":1,"type":"format_disk"})").code,
            proto::ErrorCode::InvalidRequest);
  EXPECT_EQ(raw_refusal(std::string(proto::kMaxRequestBytes + 1, ' ')).code,
            proto::ErrorCode::InvalidRequest);
  EXPECT_EQ(raw_refusal(R"({"protocol":2,"type":"ping"})").code,
            proto::ErrorCode::UnsupportedVersion);
}

TEST_F(GameServerTest, AClientThatStopsReadingStallsOnlyItself) {
  test::write_file(games() / "cs16/big.rar", std::string(24 * 1024 * 1024, 'b'));
  transport::Endpoint other_client{
      io_, client_identity_,
      transport::EndpointOptions{.bind = {asio::ip::address_v4::loopback(), 0},
                                 .accept_incoming = false}};
  const auto version = test::run_coroutine(io_, [&]() -> awaitable<std::string> {
    auto slow = co_await client_.connect(server_address());
    const auto big = make(proto::GetGameFileDataRequest{"cs16", "big.rar"});
    auto stalled = co_await send_request(slow, big);
    EXPECT_TRUE(std::holds_alternative<proto::FileDataResponse>(stalled.response));
    // `stalled` is never read: its flow-control window fills and stays full.
    auto fast = co_await other_client.connect(server_address());
    const auto chunk = make(proto::GetGameFileChunkRequest{"cs16", "version.ini", 0, 8});
    auto reply = co_await send_request(fast, chunk);
    std::string bytes(8, '\0');
    co_await read_exactly(reply.stream, std::as_writable_bytes(std::span(bytes)));
    co_return bytes;
  }());
  EXPECT_EQ(version, "20240315");
}

// A hostile client on loopback: 5,000 malformed requests on real QUIC
// streams and 5,000 garbage datagrams at the server's port, with a
// well-behaved client served correctly in between and at the end.
TEST_F(GameServerTest, TenThousandMalformedRequestsAndPacketsLeaveItServingOthers) {
  std::mt19937 random(2026);
  const auto garbage = [&random](std::size_t max_size) {
    std::string bytes(std::uniform_int_distribution<std::size_t>(0, max_size)(random), '\0');
    for (auto& byte : bytes)
      byte = static_cast<char>(random());
    return bytes;
  };
  // Near-misses are likelier to reach deep into the decoder than noise.
  const std::vector<std::string> near_misses = {
      R"({"protocol":1,"type":"get_game_file_chunk","game_id":"cs16","relative_path":"cs16.rar","offset":-1,"length":8})",
      R"({"protocol":1,"type":"get_game_file_chunk","game_id":"cs16","relative_path":"../x","offset":0,"length":8})",
      R"({"protocol":1,"type":"get_game","game_id":{"id":"cs16"}})",
      R"({"protocol":1,"type":"list_games","extra":[[[[[[[[[[]]]]]]]]]]})",
      R"({"protocol":1,"type":"get_game_file_data","game_id":"cs16","relative_path":"\u0000"})",
      R"({"protocol":1,"type":"ping")",
      "\xff\xfe\xfd",
  };
  const auto good_chunk = [&] {
    return fetch(make(proto::GetGameFileChunkRequest{"cs16", "cs16.rar", 1024 * 1024, 4096}));
  };
  const auto expected_chunk = payload_.substr(1024 * 1024, 4096);

  // 5,000 refusals would be 5,000 warning lines.
  const auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::err);
  const std::shared_ptr<void> restore_level(nullptr, [level](void*) { spdlog::set_level(level); });

  constexpr int kRounds = 10;
  constexpr int kRequestsPerRound = 500;
  constexpr int kPacketsPerRound = 500;
  asio::ip::udp::socket raw(io_, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::size_t refused = 0;
  for (int round = 0; round < kRounds; ++round) {
    refused += test::run_coroutine(io_, [&]() -> awaitable<std::size_t> {
      auto connection = co_await client_.connect(server_address());
      std::size_t errors = 0;
      for (int i = 0; i < kRequestsPerRound; ++i) {
        const auto bytes = i % 3 == 0 ? near_misses[i / 3 % near_misses.size()] : garbage(400);
        auto stream = co_await connection.open_stream();
        co_await stream.write(bytes);
        stream.finish();
        const auto response = co_await read_response(stream);
        errors += std::holds_alternative<proto::ErrorResponse>(response) ? 1 : 0;
      }
      co_return errors;
    }());
    for (int i = 0; i < kPacketsPerRound; ++i) {
      auto packet = garbage(1500);
      // Every other one looks like a QUIC long or short header.
      if (!packet.empty() && i % 2 == 0)
        packet[0] = static_cast<char>(i % 4 == 0 ? 0xc0 : 0x40);
      raw.send_to(asio::buffer(packet), server_address());
    }
    ASSERT_EQ(good_chunk(), expected_chunk) << "after round " << round;
  }
  EXPECT_EQ(refused, std::size_t{kRounds * kRequestsPerRound});
  EXPECT_TRUE(std::holds_alternative<proto::PongResponse>(ask(make(proto::PingRequest{}))));
}

}  // namespace
}  // namespace lanspread::peer
