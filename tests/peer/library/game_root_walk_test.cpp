#include "peer/library/game_root_walk.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/temp_dir.hpp"
#include "support/wine.hpp"
#include "walk_by_path.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

TEST(GameRootWalk, ListsPayloadButNotLocalOrReservedEntries) {
  test::TempDir dir;
  const auto root = dir / "cs16";
  test::write_file(root / "version.ini", "20240315");
  test::write_file(root / "game.part1.rar", std::string(1000, 'a'));
  test::write_file(root / "maps/de_dust2.bsp", std::string(300, 'b'));
  test::write_file(root / "local/hl.exe", "installed");
  test::write_file(root / ".local.installing/x", "x");
  test::write_file(root / ".local.backup/x", "x");
  test::write_file(root / ".version.ini.tmp", "x");
  test::write_file(root / ".version.ini.discarded", "x");
  test::write_file(root / ".lanspread_owned", "");
  test::write_file(root / ".hidden-payload", "kept");
  test::write_file(root / "maps/local/nested-local-is-payload", "y");

  const auto walk = walk_game_root(root, "cs16");
  const auto files = by_path(walk);
  std::vector<std::string> paths;
  for (const auto& [path, file] : files)
    paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{".hidden-payload", "game.part1.rar", "maps",
                                             "maps/de_dust2.bsp", "maps/local",
                                             "maps/local/nested-local-is-payload", "version.ini"}));
  EXPECT_TRUE(files.at("maps").is_dir);
  EXPECT_EQ(files.at("maps/de_dust2.bsp").size, 300u);
  EXPECT_EQ(files.at("game.part1.rar").game_id, "cs16");
  EXPECT_EQ(walk.total_size, 1000u + 300u + 8u + 4u + 1u);
  // Stamps cover the root and every served directory.
  EXPECT_EQ(walk.directories.size(), 3u);
  EXPECT_EQ(walk.directories.front().relative_path, "");
}

TEST(GameRootWalk, NeverFollowsSymlinks) {
  test::TempDir dir;
  const auto root = dir / "games/cs16";
  test::write_file(dir / "outside/secret.txt", "secret");
  test::write_file(root / "inside.txt", "inside");
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  test::create_symlink(dir / "outside", root / "escape-dir");
  test::create_symlink(dir / "outside/secret.txt", root / "escape-file");
  test::create_symlink("inside.txt", root / "alias.txt");
  test::create_symlink("/nonexistent/dangling", root / "dangling");

  const auto files = by_path(walk_game_root(root, "cs16"));
  EXPECT_EQ(files.size(), 1u);
  EXPECT_TRUE(files.contains("inside.txt"));
}

TEST(GameRootWalk, MissingRootGivesNothing) {
  test::TempDir dir;
  const auto walk = walk_game_root(dir / "absent", "absent");
  EXPECT_TRUE(walk.files.empty());
  EXPECT_TRUE(walk.directories.empty());
}

TEST(ServableName, RejectsPathTricks) {
  EXPECT_FALSE(is_servable_name(""));
  EXPECT_FALSE(is_servable_name("."));
  EXPECT_FALSE(is_servable_name(".."));
  EXPECT_FALSE(is_servable_name("a/b"));
  EXPECT_FALSE(is_servable_name("\xed\xa0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_servable_name("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_servable_name("\xe3\x83"));          // truncated sequence
  EXPECT_TRUE(is_servable_name("..."));
  EXPECT_TRUE(is_servable_name("\xf0\x9f\x8e\xae game"));
}

}  // namespace
}  // namespace lanspread::peer
