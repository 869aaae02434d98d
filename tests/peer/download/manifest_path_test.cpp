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

}  // namespace
}  // namespace lanspread::peer::download
