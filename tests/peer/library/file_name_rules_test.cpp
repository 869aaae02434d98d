#include "peer/library/file_name_rules.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer {
namespace {

TEST(FileNameRules, WindowsNamesAreCheckedUpperCasedBeyondAscii) {
  EXPECT_FALSE(check_windows_name("cOnOuT$.log"));
  EXPECT_FALSE(check_windows_name("lpt\xc2\xb3"));  // LPT with a superscript 3
  EXPECT_TRUE(check_windows_name("COM\xc2\xbd"));   // a fraction is no digit
  EXPECT_TRUE(check_windows_name("\xc3\xa9t\xc3\xa9.txt"));
}

TEST(FileNameRules, WindowsRulesRefusePathsDifferingOnlyInCase) {
  const auto files = check_distinct_ignoring_case({"Maps/a.bsp", "maps/b.bsp"}, NameRules::Windows);
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("'Maps' and 'maps'"), std::string::npos) << files.error();
  // Beyond ASCII too: NTFS compares names upper-cased by Unicode's table.
  EXPECT_FALSE(
      check_distinct_ignoring_case({"\xc3\xa4rger.txt", "\xc3\x84RGER.TXT"}, NameRules::Windows));
  EXPECT_FALSE(check_distinct_ignoring_case({"\xce\xb1.txt", "\xce\x91.txt"}, NameRules::Windows));
  EXPECT_TRUE(check_distinct_ignoring_case({"Maps/a.bsp", "Maps/b.bsp", "maps2/a.bsp"},
                                           NameRules::Windows));
  EXPECT_TRUE(check_distinct_ignoring_case({"Maps/a.bsp", "maps/b.bsp"}, NameRules::Posix));
}

}  // namespace
}  // namespace lanspread::peer
