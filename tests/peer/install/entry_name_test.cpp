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

TEST(EntryName, WindowsRulesRefuseWhatWindowsCannotStore) {
  for (const char* name : {"CON",
                           "con.txt",
                           "a/Nul.tar.gz",
                           "COM1",
                           "lpt9.x",
                           "AUX .txt",
                           "conout$.log",
                           "COM0",
                           "lpt\xc2\xb9.txt",
                           "dir./x",
                           "x ",
                           "ab:c",
                           "a*b",
                           "a?b",
                           "a\"b",
                           "a<b",
                           "a>b",
                           "a|b",
                           "a\\b",
                           "a\x01"
                           "b",
                           "\x1f"}) {
    EXPECT_FALSE(check_entry_name(name, NameRules::Windows)) << name;
    EXPECT_TRUE(check_entry_name(name, NameRules::Posix)) << name;
  }
  for (const char* name :
       {"CONSOLE.txt", "com10", "lpt", "x/CON_file", "a.b.c", ".hidden", "Übung/größe.txt"})
    EXPECT_EQ(check_entry_name(name, NameRules::Windows).value(), name);
}

TEST(EntryName, WindowsRefusalsSayWhy) {
  const auto device = check_entry_name("bin/CON.txt", NameRules::Windows);
  ASSERT_FALSE(device);
  EXPECT_NE(device.error().message.find("device"), std::string::npos) << device.error();
  const auto colon = check_entry_name("game:stream", NameRules::Windows);
  ASSERT_FALSE(colon);
  EXPECT_NE(colon.error().message.find("':'"), std::string::npos) << colon.error();
  const auto dot = check_entry_name("readme.", NameRules::Windows);
  ASSERT_FALSE(dot);
  EXPECT_NE(dot.error().message.find("dot"), std::string::npos) << dot.error();
}

TEST(EntryName, TheRulesOfThisSystemApply) {
#ifdef _WIN32
  EXPECT_FALSE(check_entry_name("aux.txt"));
#else
  EXPECT_TRUE(check_entry_name("aux.txt"));
#endif
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
