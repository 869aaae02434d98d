#include "peer/install/verify.hpp"

#include <gtest/gtest.h>

#include "install_fixture.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

std::string joined(const VerifyReport& report) {
  std::string text;
  for (const auto& problem : report.problems)
    text += problem + "\n";
  return text;
}

class VerifyTest : public InstallFixture {};

TEST_F(VerifyTest, HealthyInstallHasNoProblems) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  const auto report = verify_game(env(), "cs16", {});
  EXPECT_TRUE(report.ok()) << joined(report);
  EXPECT_TRUE(report.downloaded);
  EXPECT_TRUE(report.installed);
}

TEST_F(VerifyTest, ReportsMissingAndResizedInstalledFiles) {
  write_payload(1);
  ASSERT_TRUE(install().has_value());
  fs::remove(local() / "data/map.dat");
  write_file(local() / "readme.txt", "changed!");
  const auto report = verify_game(env(), "cs16", {});
  const auto text = joined(report);
  EXPECT_NE(text.find("local/data/map.dat is missing"), std::string::npos) << text;
  EXPECT_NE(text.find("local/readme.txt has 8 bytes"), std::string::npos) << text;
}

TEST_F(VerifyTest, ReportsBrokenArchiveAndMissingSentinel) {
  write_payload(1);
  write_file(root() / "b_patch.zip", read_file(root() / "b_patch.zip").substr(0, 40));
  fs::remove(root() / "version.ini");
  const auto report = verify_game(env(), "cs16", {});
  const auto text = joined(report);
  EXPECT_FALSE(report.downloaded);
  EXPECT_NE(text.find("version.ini is missing"), std::string::npos) << text;
  EXPECT_NE(text.find("b_patch.zip"), std::string::npos) << text;
}

TEST_F(VerifyTest, ReportsMissingVolume) {
  write_payload(1);
  write_file(root() / "extra.part2.rar", "x");
  const auto report = verify_game(env(), "cs16", {});
  EXPECT_NE(joined(report).find("missing volume 1"), std::string::npos) << joined(report);
}

}  // namespace
}  // namespace lanspread::test
