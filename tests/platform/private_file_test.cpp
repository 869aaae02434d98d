#include "platform/private_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/utf8_path.hpp"
#include "platform/temp_folder.hpp"
#include "support/temp_dir.hpp"

#ifndef _WIN32
#include <sys/stat.h>
#endif

namespace lanspread::platform {
namespace {

TEST(PrivateFileTest, WritesAFileWithANonAsciiName) {
  test::TempDir dir;
  const auto file = dir / "öffne-mich.html";
  ASSERT_TRUE(write_private_file(file, "<!doctype html>"));
  EXPECT_EQ(test::read_file(file), "<!doctype html>");
  EXPECT_FALSE(others_may_read(file));
}

TEST(PrivateFileTest, ReplacesAnOlderFile) {
  test::TempDir dir;
  const auto file = dir / "open-ui.html";
  test::write_file(file, "an older, longer page");
  ASSERT_TRUE(write_private_file(file, "new"));
  EXPECT_EQ(test::read_file(file), "new");
}

TEST(PrivateFileTest, AFolderThatIsMissingIsAnError) {
  test::TempDir dir;
  EXPECT_FALSE(write_private_file(dir / "gone/open-ui.html", "page"));
}

TEST(TempFolderTest, EachCallCreatesANewFolderWithThePrefix) {
  test::TempDir dir;
  const auto first = create_temp_folder(dir / "täglich", "lanspread-look-");
  EXPECT_FALSE(first) << "the parent is missing";
  std::filesystem::create_directory(dir / "täglich");
  const auto one = create_temp_folder(dir / "täglich", "lanspread-look-");
  const auto two = create_temp_folder(dir / "täglich", "lanspread-look-");
  ASSERT_TRUE(one && two);
  EXPECT_NE(*one, *two);
  EXPECT_TRUE(std::filesystem::is_directory(*one));
  EXPECT_EQ(one->parent_path(), dir / "täglich");
  EXPECT_TRUE(utf8_of(one->filename()).starts_with("lanspread-look-")) << utf8_of(*one);
}

#ifndef _WIN32

TEST(TempFolderTest, OnlyTheOwnerMayEnterIt) {
  test::TempDir dir;
  const auto folder = create_temp_folder(dir.path(), "lanspread-look-");
  ASSERT_TRUE(folder);
  struct stat status {};
  ASSERT_EQ(::stat(folder->c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0700U);
}

TEST(PrivateFileTest, OnlyTheOwnerMayReadIt) {
  test::TempDir dir;
  const auto file = dir / "open-ui.html";
  test::write_file(file, "readable by all");
  std::filesystem::permissions(file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  EXPECT_TRUE(others_may_read(file));
  ASSERT_TRUE(write_private_file(file, "page"));
  struct stat status {};
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);
  EXPECT_FALSE(others_may_read(file));
}

#endif

}  // namespace
}  // namespace lanspread::platform
