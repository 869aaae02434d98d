#include "peer/download/manifest_path.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer::download {
namespace {

TEST(ManifestPath, SplitsARelativePath) {
  const auto checked = check_manifest_path("maps/de_dust2.bsp");
  ASSERT_FALSE(checked.error) << *checked.error;
  EXPECT_EQ(checked.components, (std::vector<std::string>{"maps", "de_dust2.bsp"}));
}

TEST(ManifestPath, RefusesWhatCouldLeaveTheRootNamingTheWholePath) {
  for (const char* bad : {"", "/etc/passwd", "maps/../../etc/passwd", "a//b", "a/", "./x",
                          "local/save.dat", "maps/."}) {
    const auto checked = check_manifest_path(bad);
    ASSERT_TRUE(checked.error) << bad;
    EXPECT_TRUE(checked.components.empty()) << bad;
    EXPECT_NE(checked.error->find("'" + std::string(bad) + "'"), std::string::npos)
        << *checked.error;
  }
}

}  // namespace
}  // namespace lanspread::peer::download
