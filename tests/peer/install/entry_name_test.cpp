#include "peer/install/entry_name.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer::install {
namespace {

TEST(EntryName, NormalisesRelativeNames) {
  EXPECT_EQ(check_entry_name("./a//b/./c/").value(), "a/b/c");
  EXPECT_EQ(check_entry_name("a/b..c").value(), "a/b..c");
  EXPECT_EQ(check_entry_name("./").value(), "");
  EXPECT_TRUE(check_entry_name("./"));
}

TEST(EntryName, RefusesEscapes) {
  for (const char* name : {"/etc/passwd", "../x", "a/../../x", "a/..", "..\\x", "a\\..\\..\\x",
                           "C:/Windows/x", "\\\\server\\share", ""})
    EXPECT_FALSE(check_entry_name(name)) << name;
}

TEST(EntryName, LinkTargets) {
  EXPECT_TRUE(link_target_stays_inside("a/link", "../b"));
  EXPECT_TRUE(link_target_stays_inside("a/b/link", "../../c/./d"));
  EXPECT_TRUE(link_target_stays_inside("link", "."));
  EXPECT_FALSE(link_target_stays_inside("link", ".."));
  EXPECT_FALSE(link_target_stays_inside("a/link", "../../b"));
  EXPECT_FALSE(link_target_stays_inside("a/link", "/etc"));
  EXPECT_FALSE(link_target_stays_inside("a/link", "C:/x"));
  EXPECT_FALSE(link_target_stays_inside("a/link", ""));
}

}  // namespace
}  // namespace lanspread::peer::install
