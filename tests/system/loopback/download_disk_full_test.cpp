// Downloads onto a disk that really fills up: the downloader's game folder
// is a small tmpfs (Linux, root only).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "system/loopback/download_fixture.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;

class DownloadDiskFullTest : public DownloadTest {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "needs root to mount a small tmpfs for a real full disk";
    const auto games = downloader_.games();
    if (::mount("tmpfs", games.c_str(), "tmpfs", 0, "size=16m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    downloader_.stop();
    if (mounted_)
      ::umount2(downloader_.games().c_str(), MNT_DETACH);
  }
  bool mounted_ = false;
};

TEST_F(DownloadDiskFullTest, ADiskFillingUpMidwayFailsClearlyAndKeepsTheInstall) {
  test::write_file(downloaded() / "local/save.dat", "my progress");
  test::write_file(downloaded() / "version.ini", "1");
  start(1, 8 * 1024 * 1024);
  // Slow enough (1 MB/s) that the disk fills up while blocks still arrive.
  downloader_.send(command::SetRateLimits{{.download_mbit = 8}});
  download();
  ASSERT_TRUE(downloader_.events.wait_for<event::DownloadGameFilesProgress>(
      kDownloadTimeout, [](const auto& p) { return p.bytes_done > 0; }));
  // Something else takes the space the sparse files did not reserve.
  test::write_file(downloader_.games() / "someone_else.bin", std::string(12 * 1024 * 1024, 'z'));
  const auto failed = downloader_.events.wait_for<event::DownloadGameFilesFailed>(kDownloadTimeout);
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->reason.find("No space left on device"), std::string::npos) << failed->reason;
  EXPECT_EQ(test::read_file(downloaded() / "local/save.dat"), "my progress");
  EXPECT_FALSE(fs::exists(downloaded() / "version.ini"));
  EXPECT_FALSE(fs::exists(downloaded() / ".version.ini.tmp"));
  EXPECT_TRUE(fs::exists(dir_ / "seed0/games/cs16/version.ini")) << "the seeder was touched";
}

}  // namespace
}  // namespace lanspread::peer
