#include "proto/json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample_data.hpp"

namespace lanspread::proto {
namespace {

using nlohmann::json;

TEST(GameJson, RoundTrips) {
  const json encoded = sample::game();
  EXPECT_EQ(encoded.at("max_players"), 4294967295U);
  EXPECT_EQ(encoded.get<Game>(), sample::game());
}

TEST(GameJson, VectorsRoundTrip) {
  const std::vector<Game> games = {sample::game(), Game{}};
  EXPECT_EQ(json(games).get<std::vector<Game>>(), games);
}

TEST(GameJson, AcceptsJsonBuiltInCode) {
  json built = sample::game();
  built["max_players"] = 8;  // a signed int, unlike parsed non-negative numbers
  EXPECT_EQ(built.get<Game>().max_players, 8U);
}

TEST(GameJson, RejectsMalformedContentAsAJsonException) {
  json bad = sample::game();
  bad["release_year"] = -1;
  try {
    static_cast<void>(bad.get<Game>());
    FAIL() << "expected an exception";
  } catch (const json::exception& error) {
    EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                        "game field 'release_year': expected an unsigned integer, got a negative "
                        "number",
                        error.what());
  }
  bad = sample::game();
  bad.erase("version");
  EXPECT_THROW(static_cast<void>(bad.get<Game>()), json::type_error);
}

TEST(FileDescriptionJson, RoundTrips) {
  for (const GameFileDescription& file : {sample::file(), sample::directory()}) {
    const json encoded = file;
    EXPECT_EQ(encoded.get<GameFileDescription>(), file);
  }
}

TEST(FileDescriptionJson, HashesAreHexStrings) {
  const json encoded = sample::file();
  ASSERT_EQ(encoded.at("block_hashes").size(), 3U);
  const auto& hash = encoded.at("block_hashes").at(0).get_ref<const std::string&>();
  EXPECT_EQ(hash.size(), 64U);
  EXPECT_EQ(hash.substr(0, 6), "1f262d");
}

TEST(FileDescriptionJson, RejectsInconsistentHashes) {
  json bad = sample::file();
  bad["size"] = 1;
  try {
    static_cast<void>(bad.get<GameFileDescription>());
    FAIL() << "expected an exception";
  } catch (const json::exception& error) {
    EXPECT_PRED_FORMAT2(::testing::IsSubstring,
                        "file description field 'block_hashes': expected 1 hash for", error.what());
  }
}

}  // namespace
}  // namespace lanspread::proto
