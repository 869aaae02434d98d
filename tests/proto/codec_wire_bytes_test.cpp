#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "proto/codec.hpp"
#include "proto/json.hpp"
#include "sample_data.hpp"

// The exact bytes of every message type, as peers running other builds read
// them: a change to how the codec is written must not change one of them.
namespace lanspread::proto {
namespace {

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

Sha256Digest counting_digest() {
  Sha256Digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i)
    digest[i] = static_cast<std::uint8_t>(i * 8 + 7);
  return digest;
}

constexpr std::string_view kCountingHex =
    "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff";

TEST(WireBytes, EveryRequest) {
  EXPECT_EQ(encode(Request{.body = ListGamesRequest{}}), R"({"protocol":1,"type":"list_games"})");
  EXPECT_EQ(encode(Request{.body = GetGameRequest{.game_id = "q\"3\\"}}),
            R"({"game_id":"q\"3\\","protocol":1,"type":"get_game"})");
  EXPECT_EQ(encode(Request{
                .protocol_version = 7,
                .body = GetGameFileDataRequest{.game_id = "g", .relative_path = "D\xC3\xBC/\x01"}}),
            "{\"game_id\":\"g\",\"protocol\":7,\"relative_path\":\"D\xC3\xBC/\\u0001\","
            "\"type\":\"get_game_file_data\"}");
  EXPECT_EQ(encode(Request{.body = GetGameFileChunkRequest{.game_id = "g",
                                                           .relative_path = "f",
                                                           .offset = kMaxU64,
                                                           .length = 0}}),
            R"({"game_id":"g","length":0,"offset":18446744073709551615,"protocol":1,)"
            R"("relative_path":"f","type":"get_game_file_chunk"})");
  EXPECT_EQ(
      encode(Request{.body = AuthenticateRequest{.peer_name = "box", .proof = counting_digest()}}),
      R"({"peer_name":"box","proof":")" + std::string(kCountingHex) +
          R"(","protocol":1,"type":"authenticate"})");
  EXPECT_EQ(
      encode(Request{.body = GetBlockMapRequest{.game_id = "g", .manifest = counting_digest()}}),
      R"({"game_id":"g","manifest":")" + std::string(kCountingHex) +
          R"(","protocol":1,"type":"get_block_map"})");
}

TEST(WireBytes, EveryResponse) {
  EXPECT_EQ(encode(Response{PongResponse{.library_revision = kMaxU64}}),
            R"({"library_revision":18446744073709551615,"type":"pong"})");
  EXPECT_EQ(encode(Response{GamesResponse{}}), R"({"games":[],"type":"games"})");
  EXPECT_EQ(encode(Response{GamesResponse{.games = {sample::game(), Game{}}}}),
            "{\"games\":[{\"description\":\"Line one\\nLine \\\"two\\\"\\twith \\\\backslash\\\\ "
            "and \\u0001 control\",\"genre\":\"Shooter\",\"id\":\"ut2004\",\"max_players\":"
            "4294967295,\"name\":\"Unreal Tournament 2004 \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC"
            "\xE8\xAA\x9E \xF0\x9F\x8E\xAE\",\"release_year\":2004,\"size\":18446744073709551615,"
            "\"version\":\"3369.3\"},{\"description\":\"\",\"genre\":\"\",\"id\":\"\","
            "\"max_players\":0,\"name\":\"\",\"release_year\":0,\"size\":0,\"version\":\"\"}],"
            "\"type\":\"games\"}");
  GameFileDescription file{.game_id = "g",
                           .relative_path = "a",
                           .is_dir = false,
                           .size = 5,
                           .block_size = 4,
                           .block_hashes = {counting_digest(), Sha256Digest{}}};
  EXPECT_EQ(
      encode(Response{GameFilesResponse{.game_id = "g", .files = {sample::directory(), file}}}),
      R"({"files":[{"block_hashes":[],"block_size":0,"game_id":"ut2004","is_dir":true,)"
      R"("relative_path":"Maps","size":0},{"block_hashes":[")" +
          std::string(kCountingHex) + R"(",")" + std::string(64, '0') +
          R"("],"block_size":4,"game_id":"g","is_dir":false,"relative_path":"a","size":5}],)"
          R"("game_id":"g","type":"game_files"})");
  EXPECT_EQ(
      encode(Response{
          FileDataResponse{.game_id = "g", .relative_path = "a/b", .offset = 4096, .length = 12}}),
      R"({"game_id":"g","length":12,"offset":4096,"relative_path":"a/b","type":"file_data"})");
  EXPECT_EQ(encode(Response{ErrorResponse{.code = ErrorCode::WrongPassphrase, .message = ""}}),
            R"({"code":"wrong_passphrase","message":"","type":"error"})");
  EXPECT_EQ(
      encode(Response{AuthenticatedResponse{.peer_name = "s", .proof = counting_digest()}}),
      R"({"peer_name":"s","proof":")" + std::string(kCountingHex) + R"(","type":"authenticated"})");
  EXPECT_EQ(encode(Response{AuthenticatedResponse{}}),
            R"({"peer_name":"","proof":null,"type":"authenticated"})");
  EXPECT_EQ(encode(Response{BlockMapResponse{.game_id = "g", .blocks = {}}}),
            R"({"block_count":0,"blocks":"","game_id":"g","type":"block_map"})");
  BlockMapResponse map{.game_id = "g", .blocks = std::vector<bool>(17, true)};
  map.blocks[1] = false;
  map.blocks[15] = false;
  EXPECT_EQ(encode(Response{map}),
            R"({"block_count":17,"blocks":"fd7f01","game_id":"g","type":"block_map"})");
}

TEST(WireBytes, InvalidUtf8IsReplacedInEveryString) {
  EXPECT_EQ(encode(Response{ErrorResponse{.code = ErrorCode::Internal, .message = "a\xFF"}}),
            "{\"code\":\"internal\",\"message\":\"a\xEF\xBF\xBD\",\"type\":\"error\"}");
}

TEST(WireBytes, StoredJsonIsTheWireForm) {
  EXPECT_EQ(nlohmann::json(sample::directory()).dump(),
            R"({"block_hashes":[],"block_size":0,"game_id":"ut2004","is_dir":true,)"
            R"("relative_path":"Maps","size":0})");
  EXPECT_EQ(nlohmann::json(Game{.id = "g", .version = "1"}).dump(),
            R"({"description":"","genre":"","id":"g","max_players":0,"name":"","release_year":0,)"
            R"("size":0,"version":"1"})");
}

}  // namespace
}  // namespace lanspread::proto
