#include "peer/catalog/catalog.hpp"

#include <gtest/gtest.h>

#include "peer/catalog/game_id.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::peer {
namespace {

constexpr std::string_view kQuake =
    R"({"id":"quake3","name":"Quake III Arena","description":"Arena shooter.","genre":"Arena shooter","max_players":16,"release_year":1999,"size_bytes":500000000})";

std::string catalog_error(std::string_view text, std::string_view source = "test.jsonl") {
  const auto parsed = Catalog::parse(text, source);
  return parsed ? "no error" : parsed.error().message;
}

TEST(Catalog, BundledCatalogHasThirtyOrMoreCompleteTitles) {
  const auto catalog = Catalog::bundled();
  EXPECT_GE(catalog.size(), 30u);
  for (const auto* entry : catalog.entries()) {
    EXPECT_TRUE(is_valid_game_id(entry->id)) << entry->id;
    EXPECT_FALSE(entry->name.empty()) << entry->id;
    EXPECT_FALSE(entry->description.empty()) << entry->id;
    EXPECT_FALSE(entry->genre.empty()) << entry->id;
    EXPECT_GT(entry->max_players, 0u) << entry->id;
    EXPECT_GT(entry->release_year, 1980u) << entry->id;
    EXPECT_GT(entry->size_bytes, 0u) << entry->id;
  }
}

TEST(Catalog, ParsesFieldsAndSkipsCommentsAndBlankLines) {
  const auto parsed = Catalog::parse("# titles\n\n" + std::string(kQuake) + "\n", "t");
  ASSERT_TRUE(parsed) << parsed.error();
  const auto& catalog = *parsed;
  ASSERT_EQ(catalog.size(), 1u);
  const auto* quake = catalog.find("quake3");
  ASSERT_NE(quake, nullptr);
  EXPECT_EQ(quake->name, "Quake III Arena");
  EXPECT_EQ(quake->max_players, 16u);
  EXPECT_EQ(quake->release_year, 1999u);
  EXPECT_EQ(quake->size_bytes, 500000000u);
  EXPECT_FALSE(catalog.contains("quake"));
}

TEST(Catalog, ErrorsNameTheFileAndLine) {
  const std::string good(kQuake);
  EXPECT_EQ(catalog_error(good + "\n\n{not json}\n").rfind("test.jsonl:3: not valid JSON", 0), 0u);
  EXPECT_EQ(catalog_error(good + "\n" + good).rfind("test.jsonl:2: id 'quake3' appears twice", 0),
            0u);
  EXPECT_EQ(catalog_error("[1,2]").rfind("test.jsonl:1: expected one JSON object", 0), 0u);
}

TEST(Catalog, RejectsBadFields) {
  const auto with = [](std::string_view from, std::string_view to) {
    std::string text(kQuake);
    text.replace(text.find(from), from.size(), to);
    return catalog_error(text);
  };
  EXPECT_NE(with(R"("id":"quake3")", R"("id":"../etc")").find("not a safe folder name"),
            std::string::npos);
  EXPECT_NE(with(R"("id":"quake3")", R"("id":"Quake3")").find("not a safe folder name"),
            std::string::npos);
  EXPECT_NE(with(R"("name":"Quake III Arena",)", "").find("missing field 'name'"),
            std::string::npos);
  EXPECT_NE(with(R"("max_players":16)", R"("max_players":"16")").find("'max_players'"),
            std::string::npos);
  EXPECT_NE(with(R"("max_players":16)", R"("max_players":-1)").find("'max_players'"),
            std::string::npos);
  EXPECT_NE(with(R"("release_year":1999)", R"("release_year":1999.5)").find("'release_year'"),
            std::string::npos);
  EXPECT_NE(with(R"("name":"Quake III Arena")", R"("name":"")").find("'name' is empty"),
            std::string::npos);
}

TEST(Catalog, UserCatalogExtendsAndOverridesTheBundledOne) {
  test::TempDir state;
  const auto bundled = Catalog::bundled();
  const auto* first = bundled.entries().front();
  test::write_file(
      state / kUserCatalogFile,
      R"({"id":")" + first->id +
          R"(","name":"Renamed","description":"","genre":"","max_players":2,"release_year":2000,"size_bytes":1})"
          "\n" +
          std::string(
              R"({"id":"my-mod","name":"My Mod","description":"","genre":"","max_players":4,"release_year":2024,"size_bytes":10})"));
  const auto catalog = Catalog::load(state.path());
  ASSERT_TRUE(catalog) << catalog.error();
  EXPECT_EQ(catalog->size(), bundled.size() + 1);
  EXPECT_EQ(catalog->find(first->id)->name, "Renamed");
  EXPECT_EQ(catalog->find("my-mod")->max_players, 4u);
}

TEST(Catalog, BadUserCatalogNamesItsPathAndLine) {
  test::TempDir state;
  test::write_file(state / kUserCatalogFile, std::string(kQuake) + "\n{\"id\":\"x\"}\n");
  const auto loaded = Catalog::load(state.path());
  ASSERT_FALSE(loaded) << "expected a refusal";
  const std::string expected = (state / kUserCatalogFile).string() + ":2: missing field 'name'";
  EXPECT_EQ(loaded.error().message, expected);
}

TEST(Catalog, MissingUserCatalogIsFine) {
  test::TempDir state;
  const auto catalog = Catalog::load(state.path());
  ASSERT_TRUE(catalog) << catalog.error();
  EXPECT_EQ(catalog->size(), Catalog::bundled().size());
}

TEST(GameId, AcceptsSafeFolderNamesOnly) {
  for (const auto* id : {"cs16", "aoe2", "0ad", "left-4-dead_2", "a"}) {
    EXPECT_TRUE(is_valid_game_id(id)) << id;
  }
  for (const auto* id : {"", ".", "..", "-x", "_x", "A", "a b", "a/b", "a\\b", "a.b", "con", "nul",
                         "com1", "lpt9", "\xc3\xa9"}) {
    EXPECT_FALSE(is_valid_game_id(id)) << id;
  }
  EXPECT_FALSE(is_valid_game_id(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_game_id(std::string(64, 'a')));
}

}  // namespace
}  // namespace lanspread::peer
