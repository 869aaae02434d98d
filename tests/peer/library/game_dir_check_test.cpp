#include "peer/library/game_dir_check.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

TEST(GameDirCheck, AcceptsAWritableFolderAndLeavesNothingInIt) {
  test::TempDir dir;
  fs::create_directories(dir / "games");
  EXPECT_TRUE(check_game_dir(dir / "games"));
  EXPECT_TRUE(fs::is_empty(dir / "games"));
}

TEST(GameDirCheck, SaysWhyAFolderCannotBeUsed) {
  test::TempDir dir;
  test::write_file(dir / "a-file", "x");
  EXPECT_EQ(check_game_dir("").error().message, "no game folder given");
  EXPECT_NE(check_game_dir(dir / "absent").error().message.find("does not exist"),
            std::string::npos);
  EXPECT_NE(check_game_dir(dir / "a-file").error().message.find("is not a directory"),
            std::string::npos);
}

}  // namespace
}  // namespace lanspread::peer
