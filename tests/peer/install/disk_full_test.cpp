// A real full disk: the game folder is a 2 MiB tmpfs (root only).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "install_fixture.hpp"
#include "peer/install/install_intent.hpp"
#include "test_archives.hpp"

namespace lanspread::test {
namespace {
namespace fs = std::filesystem;
using namespace peer::install;

// 3 MiB that gzip shrinks to a few KiB, so the archive fits and its contents
// do not.
std::string big_compressible() {
  const auto block = random_bytes(4096, 11);
  std::string data;
  while (data.size() < 3 * 1024 * 1024)
    data += block;
  return data;
}

class DiskFullTest : public InstallFixture {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "needs root to mount a small tmpfs for a real full disk";
    if (::mount("tmpfs", games().c_str(), "tmpfs", 0, "size=2m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    mounted_ = true;
    write_file(root() / "version.ini", "1");
  }
  void TearDown() override {
    if (mounted_)
      ::umount2(games().c_str(), MNT_DETACH);
  }

  void write_game(const std::string& data) {
    write_archive(root() / "game.tar.gz", {{.path = "bin/game.dat", .data = data}},
                  TestFormat::TarGz);
  }

  void expect_clean() const {
    for (const char* name : {".local.installing", ".local.backup", ".lanspread.staging"})
      EXPECT_FALSE(fs::exists(root() / name)) << name;
    EXPECT_FALSE(fs::exists(intent_path(state(), "cs16")));
  }

  bool mounted_ = false;
};

TEST_F(DiskFullTest, InstallFailsCleanly) {
  write_game(big_compressible());
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("no space"), std::string::npos) << result.error();
  EXPECT_FALSE(fs::exists(local()));
  expect_clean();
}

TEST_F(DiskFullTest, UpdateFailsAndThePreviousInstallComesBack) {
  write_game("small v1");
  ASSERT_TRUE(install().has_value());
  const auto before = snapshot(local());
  write_game(big_compressible());
  const auto result = install();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("no space"), std::string::npos) << result.error();
  EXPECT_EQ(snapshot(local()), before);
  expect_clean();
}

}  // namespace
}  // namespace lanspread::test
