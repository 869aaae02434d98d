#include "peer/install/archive_set.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using peer::install::plan_install;

std::vector<std::string> names(const std::vector<fs::path>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths)
    out.push_back(utf8_of(path.filename()));
  return out;
}

class ArchiveSetTest : public ::testing::Test {
 protected:
  void touch(const std::string& name, std::string_view data = "x") {
    write_file(temp_ / name, data);
  }
  TempDir temp_;
};

TEST_F(ArchiveSetTest, GroupsVolumesAndSortsSets) {
  for (const char* name :
       {"version.ini", "zeta.zip", "Game.part02.rar", "Game.part01.rar", "Game.part10.rar",
        "old.rar", "old.r01", "old.r00", "alpha.7z", "music.TAR.GZ", "readme.txt", "patch.r5"})
    touch(name);
  for (int i = 3; i <= 9; ++i)
    touch("Game.part0" + std::to_string(i) + ".rar");
  fs::create_directories(temp_ / "extras/deep");
  touch("extras/deep/file.cfg");
  for (const char* reserved : {"local", ".local.installing", ".local.backup", ".lanspread.staging"})
    fs::create_directories(temp_ / reserved);
  touch(".version.ini.tmp");
  touch(".lanspread.json");

  const auto outcome = plan_install(temp_.path());
  ASSERT_TRUE(outcome) << outcome.error();
  const auto& plan = *outcome;
  std::vector<std::string> set_names;
  for (const auto& set : plan.archives)
    set_names.push_back(set.name);
  EXPECT_EQ(set_names, (std::vector<std::string>{"Game.part01.rar", "alpha.7z", "music.TAR.GZ",
                                                 "old.rar", "zeta.zip"}));
  EXPECT_EQ(plan.archives[0].volumes.size(), 10u);
  EXPECT_EQ(plan.archives[0].volumes.back().filename(), "Game.part10.rar");
  EXPECT_EQ(names(plan.archives[3].volumes),
            (std::vector<std::string>{"old.rar", "old.r00", "old.r01"}));
  EXPECT_EQ(names(plan.loose_entries),
            (std::vector<std::string>{"extras", "patch.r5", "readme.txt"}));
  EXPECT_EQ(plan.archives[0].size, 10u);
}

TEST_F(ArchiveSetTest, MissingFirstPartFails) {
  touch("Game.part2.rar");
  const auto outcome = plan_install(temp_.path());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("missing volume 1"), std::string::npos) << outcome.error();
}

TEST_F(ArchiveSetTest, GapInOldStyleVolumesFails) {
  touch("old.rar");
  touch("old.r00");
  touch("old.r02");
  EXPECT_FALSE(plan_install(temp_.path()));
}

TEST_F(ArchiveSetTest, OrphanOldStyleVolumeFails) {
  touch("old.r00");
  const auto outcome = plan_install(temp_.path());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("first volume"), std::string::npos) << outcome.error();
}

TEST_F(ArchiveSetTest, SymlinkedArchiveIsNeitherUnpackedNorCopied) {
  touch("real.zip");
  test::create_symlink(temp_ / "real.zip", temp_ / "link.zip");
  const auto outcome = plan_install(temp_.path());
  ASSERT_TRUE(outcome) << outcome.error();
  ASSERT_EQ(outcome->archives.size(), 1u);
  EXPECT_EQ(outcome->archives[0].name, "real.zip");
  EXPECT_TRUE(outcome->loose_entries.empty());
}

}  // namespace
}  // namespace lanspread::test
