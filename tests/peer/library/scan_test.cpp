#include "peer/library/scan.hpp"

#include <gtest/gtest.h>

#include "peer/catalog/catalog.hpp"
#include "peer/library/library_index.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

Catalog test_catalog() {
  return Catalog::parse(
             R"({"id":"cs16","name":"Counter-Strike 1.6","description":"d","genre":"Tactical shooter","max_players":32,"release_year":2003,"size_bytes":700}
{"id":"quake3","name":"Quake III Arena","description":"d","genre":"Arena shooter","max_players":16,"release_year":1999,"size_bytes":500}
{"id":"factorio","name":"Factorio","description":"d","genre":"Factory","max_players":8,"release_year":2020,"size_bytes":300})",
             "test")
      .value();
}

class ScanTest : public ::testing::Test {
 protected:
  fs::path games() const { return dir_ / "games"; }
  fs::path index_file() const { return dir_ / "state" / kLibraryIndexFile; }
  LibraryScan scan() {
    LibraryIndex index(index_file(), games());
    return scan_local_library(games(), catalog_, index);
  }
  // Ages every directory and version.ini so the index may trust them.
  void age_tree(const fs::path& root) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_directory() || entry.path().filename() == "version.ini")
        test::age(entry.path());
    }
    test::age(root);
  }

  test::TempDir dir_;
  Catalog catalog_ = test_catalog();
};

TEST_F(ScanTest, FindsCatalogRootsAndTheirState) {
  test::write_file(games() / "cs16/version.ini", "  20240315\r\n");
  test::write_file(games() / "cs16/cs16.rar", std::string(100, 'x'));
  test::write_file(games() / "cs16/local/hl.exe", std::string(5000, 'x'));
  test::write_file(games() / "quake3/quake3.zip", std::string(50, 'x'));  // no sentinel yet
  test::write_file(games() / "not-in-catalog/version.ini", "1");
  test::write_file(games() / "loose-file.txt", "x");

  const auto result = scan();
  ASSERT_EQ(result.games.size(), 2u);
  const auto& cs = result.games.at("cs16");
  EXPECT_TRUE(cs.downloaded);
  EXPECT_TRUE(cs.installed);
  EXPECT_EQ(cs.version, "20240315");
  EXPECT_EQ(cs.size, 100u + 12u);  // local/ is not served
  EXPECT_EQ(cs.file_count, 2u);
  const auto& quake = result.games.at("quake3");
  EXPECT_FALSE(quake.downloaded);
  EXPECT_FALSE(quake.installed);
  EXPECT_EQ(quake.version, "");

  ASSERT_EQ(result.announced.size(), 1u);  // only downloaded games are announced
  EXPECT_EQ(result.announced[0].id, "cs16");
  EXPECT_EQ(result.announced[0].name, "Counter-Strike 1.6");
  EXPECT_EQ(result.announced[0].max_players, 32u);
  EXPECT_EQ(result.announced[0].version, "20240315");
  EXPECT_EQ(result.announced[0].size, 112u);
}

TEST_F(ScanTest, SentinelMustBeARegularRootLevelFileAndLocalADirectory) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  fs::create_directories(games() / "cs16/version.ini");  // a directory, not the sentinel
  test::write_file(games() / "cs16/local", "a file, not an install");
  test::write_file(games() / "quake3/sub/version.ini", "1");  // not root level
  test::write_file(games() / "factorio/real.ini", "2");
  test::create_symlink("real.ini", games() / "factorio/version.ini");

  const auto result = scan();
  for (const auto& id : {"cs16", "quake3", "factorio"}) {
    EXPECT_FALSE(result.games.at(id).downloaded) << id;
    EXPECT_FALSE(result.games.at(id).installed) << id;
  }
}

TEST_F(ScanTest, SymlinkedRootsAreNotFollowed) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::write_file(dir_ / "elsewhere/version.ini", "1");
  fs::create_directories(games());
  test::create_symlink(dir_ / "elsewhere", games() / "cs16");
  EXPECT_TRUE(scan().games.empty());
}

TEST_F(ScanTest, MissingGameFolderGivesAnEmptyLibrary) {
  EXPECT_TRUE(scan().games.empty());
}

TEST_F(ScanTest, UnchangedRootsAreServedFromTheIndex) {
  test::write_file(games() / "cs16/version.ini", "1");
  test::write_file(games() / "cs16/maps/a.bsp", "aaaa");
  age_tree(games() / "cs16");
  EXPECT_EQ(scan().games.at("cs16").size, 5u);
  ASSERT_TRUE(fs::exists(index_file()));

  // Grow a file without touching any directory: only a walk could see it, so
  // an unchanged answer proves the index answered.
  test::write_file(games() / "cs16/maps/a.bsp", "aaaaaaaa");
  age_tree(games() / "cs16");
  EXPECT_EQ(scan().games.at("cs16").size, 5u);

  // Adding an entry changes its directory's mtime, so the root is walked.
  test::write_file(games() / "cs16/maps/b.bsp", "bb");
  EXPECT_EQ(scan().games.at("cs16").size, 11u);
}

TEST_F(ScanTest, RewrittenSentinelIsNoticed) {
  test::write_file(games() / "cs16/version.ini", "1");
  age_tree(games() / "cs16");
  EXPECT_EQ(scan().games.at("cs16").version, "1");
  test::write_file(games() / "cs16/version.ini", "20250101");
  EXPECT_EQ(scan().games.at("cs16").version, "20250101");
}

TEST_F(ScanTest, RecentlyChangedRootsAreNotTrusted) {
  test::write_file(games() / "cs16/version.ini", "1");
  test::write_file(games() / "cs16/a", "a");
  EXPECT_EQ(scan().games.at("cs16").size, 2u);
  // Same-tick rewrite: directories untouched but fresh, so the root is walked.
  test::write_file(games() / "cs16/a", "aaa");
  EXPECT_EQ(scan().games.at("cs16").size, 4u);
}

TEST_F(ScanTest, CorruptIndexIsRebuilt) {
  test::write_file(games() / "cs16/version.ini", "1");
  age_tree(games() / "cs16");
  test::write_file(index_file(), "{ this is not json");
  EXPECT_TRUE(scan().games.at("cs16").downloaded);
  const auto rebuilt = test::read_file(index_file());
  EXPECT_NE(rebuilt.find("\"cs16\""), std::string::npos);

  test::write_file(index_file(), R"({"format":1,"game_dir":")" + games().string() +
                                     R"(","roots":{"cs16":{"directories":7}}})");
  EXPECT_TRUE(scan().games.at("cs16").downloaded);
}

TEST_F(ScanTest, IndexOfAnotherGameFolderIsIgnored) {
  test::write_file(games() / "cs16/version.ini", "1");
  age_tree(games() / "cs16");
  scan();
  const auto text = test::read_file(index_file());
  {
    LibraryIndex other(index_file(), dir_ / "other-games");
    EXPECT_EQ(other.size(), 0u);
  }
  LibraryIndex same(index_file(), games());
  EXPECT_EQ(same.size(), 1u);
}

TEST_F(ScanTest, VanishedRootsLeaveTheIndex) {
  test::write_file(games() / "cs16/version.ini", "1");
  test::write_file(games() / "quake3/version.ini", "1");
  age_tree(games() / "cs16");
  age_tree(games() / "quake3");
  scan();
  fs::remove_all(games() / "quake3");
  EXPECT_EQ(scan().games.size(), 1u);
  EXPECT_EQ(LibraryIndex(index_file(), games()).size(), 1u);
}

TEST_F(ScanTest, SingleRootRescan) {
  LibraryIndex index;
  test::write_file(games() / "cs16/version.ini", "7");
  const auto game = scan_game_root(games(), "cs16", index);
  ASSERT_TRUE(game.has_value());
  EXPECT_EQ(game->version, "7");
  EXPECT_FALSE(scan_game_root(games(), "quake3", index).has_value());
}

}  // namespace
}  // namespace lanspread::peer
