#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "proto/codec.hpp"
#include "sample_data.hpp"

namespace lanspread::proto {
namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

Request round_trip(const Request& request) {
  const auto decoded = decode_request(encode(request));
  EXPECT_TRUE(decoded) << decoded.error();
  return decoded ? decoded.value() : Request{};
}

Response round_trip(const Response& response) {
  const auto decoded = decode_response(encode(response));
  EXPECT_TRUE(decoded) << decoded.error();
  return decoded ? decoded.value() : Response{};
}

TEST(RequestRoundTrip, Ping) {
  const Request request{.body = PingRequest{}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, ListGames) {
  const Request request{.body = ListGamesRequest{}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, GetGame) {
  const Request request{.body = GetGameRequest{.game_id = "\xC3\xA9t\xC3\xA9 \xF0\x9F\x8C\x9E"}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, GetGameFileData) {
  const Request request{.body = GetGameFileDataRequest{
                            .game_id = "ut2004", .relative_path = sample::file().relative_path}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, GetGameFileChunk) {
  const Request request{.body = GetGameFileChunkRequest{.game_id = "ut2004",
                                                        .relative_path = "System/UT2004.exe",
                                                        .offset = kMaxU64 - 4096,
                                                        .length = 4096}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, AuthenticateWithAndWithoutAProof) {
  Sha256Digest proof{};
  proof.fill(0xab);
  for (const auto& body : {AuthenticateRequest{.peer_name = "lan-box", .proof = proof},
                           AuthenticateRequest{.peer_name = "", .proof = std::nullopt}}) {
    const Request request{.body = body};
    EXPECT_EQ(round_trip(request), request);
  }
  EXPECT_EQ(encode(Request{.body = AuthenticateRequest{.peer_name = "a"}}),
            R"({"peer_name":"a","proof":null,"protocol":1,"type":"authenticate"})");
}

TEST(ResponseRoundTrip, AuthenticatedWithAndWithoutAProof) {
  Sha256Digest proof{};
  proof.fill(0x01);
  for (const auto& body :
       {AuthenticatedResponse{.peer_name = "server", .proof = proof}, AuthenticatedResponse{}}) {
    const Response response = body;
    EXPECT_EQ(round_trip(response), response);
  }
}

TEST(RequestRoundTrip, GetBlockMap) {
  Sha256Digest manifest{};
  manifest.fill(0x5c);
  const Request request{.body = GetBlockMapRequest{.game_id = "cs16", .manifest = manifest}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(ResponseRoundTrip, BlockMapsOfEveryLength) {
  for (std::size_t count : {0U, 1U, 7U, 8U, 9U, 1000U}) {
    BlockMapResponse map{.game_id = "cs16", .blocks = std::vector<bool>(count)};
    for (std::size_t i = 0; i < count; i += 3)
      map.blocks[i] = true;
    const Response response = map;
    EXPECT_EQ(round_trip(response), response) << count << " blocks";
  }
  // Block 0 is the least significant bit of the first byte.
  EXPECT_EQ(
      encode(Response{BlockMapResponse{
          .game_id = "q", .blocks = {true, false, false, true, false, false, false, false, true}}}),
      R"({"block_count":9,"blocks":"0901","game_id":"q","type":"block_map"})");
}

TEST(ResponseDecoding, ABlockMapThatDoesNotFitItsCountIsRefused) {
  for (const char* bad : {
           R"({"type":"block_map","game_id":"q","block_count":9,"blocks":"09"})",
           R"({"type":"block_map","game_id":"q","block_count":9,"blocks":"090100"})",
           R"({"type":"block_map","game_id":"q","block_count":9,"blocks":"0903"})",
           R"({"type":"block_map","game_id":"q","block_count":8,"blocks":"0G"})",
           R"({"type":"block_map","game_id":"q","block_count":8,"blocks":"FF"})",
           R"({"type":"block_map","game_id":"q","block_count":8,"blocks":255})",
       }) {
    const auto decoded = decode_response(bad);
    ASSERT_FALSE(decoded) << bad;
    EXPECT_NE(decoded.error().message.find("blocks"), std::string::npos) << decoded.error();
  }
}

TEST(RequestDecoding, AMalformedProofIsRefusedByName) {
  const auto decoded =
      decode_request(R"({"protocol":1,"type":"authenticate","peer_name":"a","proof":"abc"})");
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().message.find("proof"), std::string::npos) << decoded.error();
  EXPECT_FALSE(decode_request(R"({"protocol":1,"type":"authenticate","peer_name":"a"})"));
  EXPECT_FALSE(decode_request(R"({"protocol":1,"type":"authenticate","peer_name":"a","proof":7})"));
}

TEST(RequestRoundTrip, KeepsAForeignProtocolVersionForTheServerToReject) {
  const Request request{.protocol_version = std::numeric_limits<std::uint32_t>::max(),
                        .body = PingRequest{}};
  EXPECT_EQ(round_trip(request), request);
}

TEST(RequestRoundTrip, DefaultsToTheCurrentProtocolVersion) {
  EXPECT_EQ(round_trip(Request{}).protocol_version, kProtocolVersion);
}

TEST(ResponseRoundTrip, Pong) {
  const Response response = PongResponse{.library_revision = 7};
  EXPECT_EQ(round_trip(response), response);
}

TEST(ResponseRoundTrip, Games) {
  Game second = sample::game();
  second.id = "quake3";
  second.name = "Quake III Arena";
  second.description.clear();
  second.max_players = 0;
  second.size = 0;
  const Response response = GamesResponse{.games = {sample::game(), second}};
  EXPECT_EQ(round_trip(response), response);
}

TEST(ResponseRoundTrip, NoGames) {
  const Response response = GamesResponse{};
  EXPECT_EQ(round_trip(response), response);
}

TEST(ResponseRoundTrip, GameFiles) {
  GameFileDescription unhashed = sample::file();
  unhashed.relative_path = "System/UT2004.ini";
  unhashed.block_size = 0;
  unhashed.block_hashes.clear();
  GameFileDescription exact_blocks = sample::file();
  exact_blocks.relative_path = "Textures/exact.utx";
  exact_blocks.size = 2 * std::uint64_t{sample::kBlockSize};
  exact_blocks.block_hashes.pop_back();
  const Response response = GameFilesResponse{
      .game_id = "ut2004", .files = {sample::directory(), sample::file(), unhashed, exact_blocks}};
  EXPECT_EQ(round_trip(response), response);
}

TEST(ResponseRoundTrip, FileData) {
  const Response response = FileDataResponse{.game_id = "ut2004",
                                             .relative_path = sample::file().relative_path,
                                             .offset = sample::kBlockSize,
                                             .length = kMaxU64 - sample::kBlockSize};
  EXPECT_EQ(round_trip(response), response);
}

TEST(ResponseRoundTrip, EveryErrorCode) {
  for (const ErrorCode code :
       {ErrorCode::UnknownGame, ErrorCode::InvalidRequest, ErrorCode::NotAllowed,
        ErrorCode::NotFound, ErrorCode::UnsupportedVersion, ErrorCode::Internal,
        ErrorCode::WrongPassphrase}) {
    const Response response = ErrorResponse{.code = code, .message = "nope: \xE2\x9C\x97"};
    EXPECT_EQ(round_trip(response), response) << to_string(code);
  }
}

TEST(ErrorCodeNames, AreTheWireNames) {
  EXPECT_EQ(to_string(ErrorCode::UnknownGame), "unknown_game");
  EXPECT_EQ(to_string(ErrorCode::InvalidRequest), "invalid_request");
  EXPECT_EQ(to_string(ErrorCode::NotAllowed), "not_allowed");
  EXPECT_EQ(to_string(ErrorCode::NotFound), "not_found");
  EXPECT_EQ(to_string(ErrorCode::UnsupportedVersion), "unsupported_version");
  EXPECT_EQ(to_string(ErrorCode::Internal), "internal");
  EXPECT_EQ(to_string(ErrorCode::WrongPassphrase), "wrong_passphrase");
}

// The exact bytes matter to peers running other builds, so pin a few.
TEST(WireFormat, RequestsAreCompactJson) {
  EXPECT_EQ(encode(Request{.body = PingRequest{}}), R"({"protocol":1,"type":"ping"})");
  EXPECT_EQ(
      encode(Request{.body =
                         GetGameFileChunkRequest{
                             .game_id = "g", .relative_path = "a/b", .offset = 1, .length = 2}}),
      R"({"game_id":"g","length":2,"offset":1,"protocol":1,)"
      R"("relative_path":"a/b","type":"get_game_file_chunk"})");
}

TEST(WireFormat, HashesAreLowercaseHex) {
  GameFileDescription file = sample::directory();
  file.is_dir = false;
  file.size = 1;
  file.block_size = 1;
  file.block_hashes = {Sha256Digest{0x00, 0x1f, 0xab, 0xff}};
  EXPECT_EQ(encode(Response{GameFilesResponse{.game_id = "g", .files = {file}}}),
            R"({"files":[{"block_hashes":[")"
            R"(001fabff00000000000000000000000000000000000000000000000000000000"],)"
            R"("block_size":1,"game_id":"ut2004","is_dir":false,"relative_path":"Maps","size":1}],)"
            R"("game_id":"g","type":"game_files"})");
}

TEST(WireFormat, ErrorsUseSnakeCaseCodes) {
  EXPECT_EQ(encode(Response{ErrorResponse{.code = ErrorCode::UnsupportedVersion, .message = "v2"}}),
            R"({"code":"unsupported_version","message":"v2","type":"error"})");
}

TEST(WireFormat, AcceptsAnyKeyOrderWhitespaceAndEscapes) {
  const auto decoded = decode_request(
      " {\n\t\"type\" : \"get_game\", \"game_id\": \"\\u00e9t\\u00e9 \\ud83c\\udf1e\",\r\n"
      " \"protocol\" : 1 } ");
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded.value(),
            (Request{.body = GetGameRequest{.game_id = "\xC3\xA9t\xC3\xA9 \xF0\x9F\x8C\x9E"}}));
}

TEST(WireFormat, InvalidUtf8IsReplacedWhenEncoding) {
  const std::string encoded = encode(Request{.body = GetGameRequest{.game_id = std::string("a\xFF"
                                                                                           "b")}});
  const auto decoded = decode_request(encoded);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(std::get<GetGameRequest>(decoded.value().body).game_id,
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace lanspread::proto
