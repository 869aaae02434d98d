#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "proto/codec.hpp"

namespace lanspread::proto {
namespace {

// Error messages may end up in logs or in an ErrorResponse sent back.
bool is_printable_ascii(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

void expect_request_error(std::string_view bytes, const std::string& fragment) {
  const auto result = decode_request(bytes);
  ASSERT_FALSE(result) << "decoded: " << bytes.substr(0, 200);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, fragment, result.error().message);
  EXPECT_TRUE(is_printable_ascii(result.error().message)) << result.error();
}

void expect_response_error(std::string_view bytes, const std::string& fragment) {
  const auto result = decode_response(bytes);
  ASSERT_FALSE(result) << "decoded: " << bytes.substr(0, 200);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, fragment, result.error().message);
  EXPECT_TRUE(is_printable_ascii(result.error().message)) << result.error();
}

std::string chunk_request(std::string_view offset, std::string_view length) {
  return R"({"protocol":1,"type":"get_game_file_chunk","game_id":"g","relative_path":"f",)"
         R"("offset":)" +
         std::string(offset) + R"(,"length":)" + std::string(length) + "}";
}

std::string files_response(std::string_view size, std::string_view block_size,
                           std::string_view hashes) {
  return R"({"type":"game_files","game_id":"g","files":[{"game_id":"g","relative_path":"f",)"
         R"("is_dir":false,"size":)" +
         std::string(size) + R"(,"block_size":)" + std::string(block_size) +
         R"(,"block_hashes":[)" + std::string(hashes) + "]}]}";
}

std::string game_response(std::string_view max_players) {
  return R"({"type":"games","games":[{"id":"g","name":"n","description":"","genre":"",)"
         R"("max_players":)" +
         std::string(max_players) + R"(,"release_year":2004,"size":1,"version":"1"}]})";
}

const std::string kHashA(64, 'a');
const std::string kHashB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string quoted(const std::string& text) {
  return '"' + text + '"';
}

TEST(MalformedJson, Empty) {
  expect_request_error("", "request: malformed JSON");
}

TEST(MalformedJson, Truncated) {
  expect_request_error(R"({"protocol":1,"type":"get_game","game_id":"ab)",
                       "request: malformed JSON");
  expect_response_error(R"({"type":"pong")", "response: malformed JSON");
}

TEST(MalformedJson, TrailingGarbage) {
  expect_request_error(R"({"protocol":1,"type":"ping"} {})", "request: malformed JSON");
}

TEST(MalformedJson, NotAnObject) {
  expect_request_error("[]", "request: expected an object, got an array");
  expect_response_error(R"("pong")", "response: expected an object, got a string");
}

TEST(MalformedJson, Comments) {
  expect_request_error(R"({"protocol":1,/*x*/"type":"ping"})", "request: malformed JSON");
}

TEST(Oversize, RequestIsRejectedBeforeParsing) {
  std::string bytes = R"({"protocol":1,"type":"ping"})";
  bytes.resize(kMaxRequestBytes, ' ');
  EXPECT_TRUE(decode_request(bytes));
  bytes += ' ';
  expect_request_error(bytes, "request: 65537 bytes exceed the limit of 65536");
}

TEST(Oversize, ResponseIsRejectedBeforeParsing) {
  std::string bytes(kMaxResponseBytes + 1, '[');
  expect_response_error(bytes, "response: 67108865 bytes exceed the limit of 67108864");
}

TEST(DeepNesting, HugeNestingIsRejectedQuickly) {
  expect_response_error(std::string(100000, '['), "response: nested deeper than 8 levels");
  expect_request_error(std::string(60000, '['), "request: nested deeper than 8 levels");
  expect_request_error(std::string(60000, '{'), "request: malformed JSON");
}

TEST(DeepNesting, LimitIsEightLevels) {
  const std::string prefix = R"({"protocol":1,"type":"get_game","game_id":)";
  expect_request_error(prefix + "[[[[[[[]]]]]]]}",
                       "request field 'game_id': expected a string, got an array");
  expect_request_error(prefix + "[[[[[[[[]]]]]]]]}", "request: nested deeper than 8 levels");
  expect_request_error(prefix + R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{}}}}}}}})",
                       "request: nested deeper than 8 levels");
  expect_response_error(R"({"type":"games","games":[{"id":[[[[[[]]]]]]}]})",
                        "response: nested deeper than 8 levels");
}

TEST(InvalidUtf8, IsRejected) {
  for (const std::string text : {
           "\xFF",              // never valid
           "\xC0\xAF",          // overlong '/'
           "\xE2\x82",          // truncated sequence
           "\xED\xA0\x80",      // encoded surrogate
           "\xF4\x90\x80\x80",  // beyond U+10FFFF
           "\\ud800",           // lone high surrogate escape
           "\\udc00\\ud800",    // surrogates in the wrong order
       }) {
    expect_request_error(R"({"protocol":1,"type":"get_game","game_id":")" + text + "\"}",
                         "request: malformed JSON");
  }
}

TEST(InvalidUtf8, OutsideStringsIsRejected) {
  expect_request_error("{\"protocol\":1,\"type\":\"ping\"}\xFF", "request: malformed JSON");
  expect_request_error("\xFF", "request: malformed JSON");
}

TEST(UnknownType, IsRejected) {
  expect_request_error(R"({"protocol":1,"type":"pingg"})",
                       R"(request field 'type': unknown request type "pingg")");
  expect_request_error(R"({"protocol":1,"type":"pong"})", "unknown request type \"pong\"");
  expect_response_error(R"({"type":"ping"})",
                        R"(response field 'type': unknown response type "ping")");
}

TEST(UnknownType, QuotedTypeIsEscapedAndTruncated) {
  expect_request_error(R"({"protocol":1,"type":"\u0001\u00e9"})",
                       R"(unknown request type "\x01\xc3\xa9")");
  expect_request_error(R"({"protocol":1,"type":")" + std::string(1000, 'x') + "\"}",
                       "unknown request type \"" + std::string(40, 'x') + "...\"");
}

TEST(MissingField, Protocol) {
  expect_request_error(R"({"type":"ping"})", "request field 'protocol': missing");
}

TEST(MissingField, Type) {
  expect_request_error(R"({"protocol":1})", "request field 'type': missing");
  expect_response_error("{}", "response field 'type': missing");
}

TEST(MissingField, BodyFields) {
  expect_request_error(R"({"protocol":1,"type":"get_game"})", "request field 'game_id': missing");
  expect_request_error(R"({"protocol":1,"type":"get_game_file_chunk","game_id":"g",)"
                       R"("relative_path":"f","offset":0})",
                       "request field 'length': missing");
  expect_response_error(R"({"type":"games","games":[{"id":"g"}]})",
                        "response field 'games[0].name': missing");
  expect_response_error(R"({"type":"error","code":"internal"})",
                        "response field 'message': missing");
}

TEST(ExtraField, IsRejected) {
  expect_request_error(R"({"protocol":1,"type":"ping","game_id":"g"})",
                       "request field 'game_id': unexpected field");
  const std::string game = game_response("4");
  expect_response_error(game.substr(0, game.size() - 3) + R"(,"rating":5}]})",
                        "response field 'games[0].rating': unexpected field");
}

TEST(WrongType, IsRejectedNamingTheField) {
  expect_request_error(R"({"protocol":"1","type":"ping"})",
                       "request field 'protocol': expected an unsigned integer, got a string");
  expect_request_error(R"({"protocol":1,"type":7})",
                       "request field 'type': expected a string, got a number");
  expect_request_error(R"({"protocol":1,"type":"get_game","game_id":null})",
                       "request field 'game_id': expected a string, got null");
  expect_request_error(R"({"protocol":1,"type":"get_game","game_id":["g"]})",
                       "request field 'game_id': expected a string, got an array");
  expect_request_error(chunk_request("true", "1"),
                       "request field 'offset': expected an unsigned integer, got a boolean");
  expect_response_error(R"({"type":"games","games":{}})",
                        "response field 'games': expected an array, got an object");
  expect_response_error(R"({"type":"games","games":["g"]})",
                        "response field 'games[0]': expected an object, got a string");
  expect_response_error(R"({"type":"game_files","game_id":"g","files":[{"game_id":"g",)"
                        R"("relative_path":"f","is_dir":"false","size":0,"block_size":0,)"
                        R"("block_hashes":[]}]})",
                        "response field 'files[0].is_dir': expected a boolean, got a string");
}

TEST(NegativeNumber, IsRejected) {
  expect_request_error(R"({"protocol":-1,"type":"ping"})",
                       "request field 'protocol': expected an unsigned integer, got a negative "
                       "number");
  expect_request_error(chunk_request("-1", "1"),
                       "request field 'offset': expected an unsigned integer, got a negative "
                       "number");
  expect_response_error(game_response("-4"),
                        "response field 'games[0].max_players': expected an unsigned integer");
}

TEST(NonIntegerNumber, IsRejected) {
  for (const char* number : {"1.0", "1.5", "1e3", "0.0", "18446744073709551616"}) {
    expect_request_error(chunk_request(number, "1"),
                         "request field 'offset': expected an unsigned integer, got a "
                         "non-integer number");
  }
}

TEST(NumberOverflow, Uint32FieldsRejectLargerValues) {
  expect_request_error(R"({"protocol":4294967296,"type":"ping"})",
                       "request field 'protocol': 4294967296 is out of range for an unsigned "
                       "32-bit integer");
  EXPECT_TRUE(decode_response(game_response("4294967295")));
  expect_response_error(game_response("4294967296"),
                        "response field 'games[0].max_players': 4294967296 is out of range");
  expect_response_error(files_response("1", "4294967296", ""),
                        "response field 'files[0].block_size': 4294967296 is out of range");
}

TEST(NumberOverflow, HugeExponentIsRejected) {
  expect_request_error(chunk_request("1e999", "1"), "request: malformed JSON");
}

TEST(NumberOverflow, OffsetPlusLength) {
  EXPECT_TRUE(decode_request(chunk_request("18446744073709551615", "0")));
  EXPECT_TRUE(decode_request(chunk_request("1", "18446744073709551614")));
  expect_request_error(chunk_request("18446744073709551615", "1"),
                       "request field 'length': offset + length overflows 64 bits");
  expect_response_error(R"({"type":"file_data","game_id":"g","relative_path":"f","offset":2,)"
                        R"("length":18446744073709551614})",
                        "response field 'length': offset + length overflows 64 bits");
}

TEST(NulCharacter, IsRejectedInEveryString) {
  expect_request_error(R"({"protocol":1,"type":"get_game","game_id":"a\u0000b"})",
                       "request field 'game_id': must not contain NUL characters");
  expect_request_error(R"({"protocol":1,"type":"ping\u0000"})",
                       "request field 'type': must not contain NUL characters");
  expect_response_error(R"({"type":"error","code":"internal","message":"\u0000"})",
                        "response field 'message': must not contain NUL characters");
}

TEST(NulCharacter, InKeysIsReportedEscaped) {
  expect_request_error(R"({"protocol":1,"type":"ping","\u0000":1})",
                       "request field '\\x00': unexpected field");
}

TEST(BadHash, IsRejected) {
  std::string upper = kHashB;
  upper[10] = 'A';
  std::string non_hex = kHashB;
  non_hex[63] = 'g';
  for (const std::string& hash : {upper, non_hex}) {
    expect_response_error(files_response("2", "1", quoted(kHashA) + "," + quoted(hash)),
                          "response field 'files[0].block_hashes[1]': expected 64 lowercase hex "
                          "digits, got \"");
  }
  expect_response_error(files_response("1", "1", quoted(kHashB.substr(1))),
                        "response field 'files[0].block_hashes[0]': expected 64 lowercase hex "
                        "digits, got 63 bytes");
  expect_response_error(files_response("1", "1", quoted(kHashB + "0")),
                        "expected 64 lowercase hex digits, got 65 bytes");
  expect_response_error(files_response("1", "1", "1"),
                        "response field 'files[0].block_hashes[0]': expected a string, got a "
                        "number");
}

TEST(InconsistentHashCount, IsRejected) {
  EXPECT_TRUE(decode_response(files_response("0", "4", "")));
  EXPECT_TRUE(decode_response(files_response("8", "4", quoted(kHashA) + "," + quoted(kHashB))));
  expect_response_error(files_response("10", "4", quoted(kHashA) + "," + quoted(kHashB)),
                        "response field 'files[0].block_hashes': expected 3 hashes for size 10 "
                        "and block_size 4, got 2");
  expect_response_error(files_response("4", "4", quoted(kHashA) + "," + quoted(kHashB)),
                        "expected 1 hash for size 4 and block_size 4, got 2");
  expect_response_error(files_response("10", "0", quoted(kHashA)),
                        "response field 'files[0].block_hashes': must be empty while block_size "
                        "is 0");
}

TEST(InconsistentHashCount, HugeClaimedSizeDoesNotAllocate) {
  expect_response_error(files_response("18446744073709551615", "1", ""),
                        "expected 18446744073709551615 hashes");
}

TEST(UnknownErrorCode, IsRejected) {
  expect_response_error(R"({"type":"error","code":"teapot","message":""})",
                        R"(response field 'code': unknown error code "teapot")");
  expect_response_error(R"({"type":"error","code":3,"message":""})",
                        "response field 'code': expected a string, got a number");
}

// Lists are decoded element by element while parsing, so a flood of junk
// fails at its first element instead of being parsed into memory.
TEST(Streaming, JunkListFailsAtTheFirstElement) {
  std::string bytes = R"({"type":"games","games":[)";
  for (int i = 0; i < 200000; ++i) {
    bytes += "{},";
  }
  bytes.back() = ']';
  bytes += '}';
  expect_response_error(bytes, "response field 'games[0].id': missing");
}

TEST(Streaming, ElementsThatAreNotObjectsAreNamed) {
  expect_response_error(R"({"type":"games","games":[[{"id":"g"}]]})",
                        "response field 'games[0]': expected an object, got an array");
  expect_response_error(R"({"type":"game_files","game_id":"g","files":[null]})",
                        "response field 'files[0]': expected an object, got null");
}

TEST(Streaming, ContainersWhereScalarsBelongAreRejectedByType) {
  expect_request_error(R"({"protocol":1,"type":"get_game","game_id":{"a":[1,{"b":2}]}})",
                       "request field 'game_id': expected a string, got an object");
  expect_response_error(
      R"({"type":"file_data","game_id":"g","relative_path":"f","offset":[0],"length":0})",
      "response field 'offset': expected an unsigned integer, got an array");
}

TEST(Streaming, ErrorsNameTheRightElement) {
  const std::string good_file = R"({"game_id":"g","relative_path":"a","is_dir":false,)"
                                R"("size":1,"block_size":1,"block_hashes":[")" +
                                kHashA + R"("]})";
  const std::string bad_file = R"({"game_id":"g","relative_path":"b","is_dir":false,)"
                               R"("size":2,"block_size":1,"block_hashes":[")" +
                               kHashA + R"(","nope"]})";
  expect_response_error(
      R"({"type":"game_files","game_id":"g","files":[)" + good_file + "," + bad_file + "]}",
      "response field 'files[1].block_hashes[1]': expected 64 lowercase hex "
      "digits, got 4 bytes");
  expect_response_error(R"({"type":"game_files","game_id":"g","files":[)" + good_file + "," +
                            good_file.substr(0, good_file.size() - 1) + R"(,"x":0}]})",
                        "response field 'files[1].x': unexpected field");
}

TEST(Streaming, RepeatedListKeepsTheLastValue) {
  const std::string game = R"({"id":"g","name":"n","description":"","genre":"",)"
                           R"("max_players":0,"release_year":0,"size":0,"version":"1"})";
  const auto decoded = decode_response(R"({"type":"games","games":[)" + game + "," + game +
                                       R"(],"games":[)" + game + "]}");
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(std::get<GamesResponse>(decoded.value()).games.size(), 1U);
  expect_response_error(R"({"type":"games","games":[)" + game + R"(],"games":"none"})",
                        "response field 'games': expected an array, got a string");
}

TEST(Streaming, ListsOfOtherMessageTypesAreRejected) {
  expect_response_error(R"({"type":"pong","library_revision":1,"games":[]})",
                        "response field 'games': unexpected field");
  expect_request_error(R"({"protocol":1,"type":"list_games","games":[]})",
                       "request field 'games': unexpected field");
}

}  // namespace
}  // namespace lanspread::proto
