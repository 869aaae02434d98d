#include "peer/download/manifest_path.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer::download {
namespace {

TEST(ManifestPath, SplitsARelativePath) {
  const auto checked = check_manifest_path("maps/de_dust2.bsp");
  ASSERT_TRUE(checked) << checked.error();
  EXPECT_EQ(*checked, (std::vector<std::string>{"maps", "de_dust2.bsp"}));
}

TEST(ManifestPath, RefusesWhatCouldLeaveTheRootNamingTheWholePath) {
  for (const char* bad : {"", "/etc/passwd", "maps/../../etc/passwd", "a//b", "a/", "./x",
                          "local/save.dat", "maps/."}) {
    const auto checked = check_manifest_path(bad);
    ASSERT_FALSE(checked) << bad;  // and so there are no components to use
    EXPECT_NE(checked.error().message.find("'" + std::string(bad) + "'"), std::string::npos)
        << checked.error();
  }
}

TEST(ManifestPath, WindowsRulesRefuseNamesNtfsCannotStoreSayingWhy) {
  const std::pair<const char*, const char*> cases[] = {{"maps/con", "device"},
                                                       {"maps/Nul.txt", "device"},
                                                       {"COM1.dat", "device"},
                                                       {"lpt\xc2\xb9.log", "device"},
                                                       {"aux .txt", "device"},
                                                       {"maps/readme.", "dot or a space"},
                                                       {"save /slot", "dot or a space"},
                                                       {"a:b.txt", "':'"},
                                                       {"what?.txt", "'?'"},
                                                       {"x/\"quoted\"", "'\"'"},
                                                       {"pipe|name", "'|'"},
                                                       {"<tag>", "'<'"}};
  for (const auto& [path, why] : cases) {
    const auto checked = check_manifest_path(path, NameRules::Windows);
    ASSERT_FALSE(checked) << path;
    EXPECT_NE(checked.error().message.find(why), std::string::npos) << checked.error();
    EXPECT_NE(checked.error().message.find("'" + std::string(path) + "'"), std::string::npos)
        << checked.error();
    EXPECT_TRUE(check_manifest_path(path, NameRules::Posix)) << path << ": POSIX stores it";
  }
}

TEST(ManifestPath, WindowsRulesKeepNamesThatOnlyLookReserved) {
  for (const char* path : {"console.cfg", "maps/nul_map.bsp", "COM10.dat", "lpt.txt", "auxiliary/x",
                           ".hidden", "...x", "Spiel f\xc3\xbcr alle/\xe6\xb8\xb8.pak"}) {
    const auto checked = check_manifest_path(path, NameRules::Windows);
    EXPECT_TRUE(checked) << path << ": " << checked.error();
  }
}

}  // namespace
}  // namespace lanspread::peer::download
