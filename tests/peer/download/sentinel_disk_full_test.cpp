#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "peer/download/sentinel_transaction.hpp"
#include "support/temp_dir.hpp"

// The sentinel transaction on a disk that is really full (Linux: a tmpfs).
namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;

proto::GameFileDescription file(std::string path, std::uint64_t size) {
  return {.game_id = "cs16", .relative_path = std::move(path), .size = size};
}

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// A real full disk: the game folder is a 1 MiB tmpfs (root only; Linux).
class SentinelDiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0)
      GTEST_SKIP() << "needs root to mount a small tmpfs for a real full disk";
    fs::create_directories(root());
    if (::mount("tmpfs", root().c_str(), "tmpfs", 0, "size=1m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    mounted_ = true;
    test::write_file(root() / "version.ini", "1");
  }
  void TearDown() override {
    if (mounted_)
      ::umount2(root().c_str(), MNT_DETACH);
  }
  fs::path root() const { return dir_ / "games/cs16"; }

  test::TempDir dir_;
  bool mounted_ = false;
};

TEST_F(SentinelDiskFullTest, AGameLargerThanTheFreeSpaceIsRefusedBeforeAnythingChanges) {
  const auto begun = SentinelTransaction::begin(root(), {file("big.rar", 4 * 1024 * 1024)});
  ASSERT_FALSE(begun);
  const auto& error = begun.error().message;
  EXPECT_NE(error.find("not enough disk space"), std::string::npos) << error;
  EXPECT_EQ(test::read_file(root() / "version.ini"), "1");
  EXPECT_FALSE(fs::exists(root() / "big.rar"));
}

TEST_F(SentinelDiskFullTest, ADiskThatFillsUpDuringTheDownloadFailsTheWriteClearly) {
  auto begun =
      SentinelTransaction::begin(root(), {file("version.ini", 1), file("a.bin", 768 * 1024)});
  ASSERT_TRUE(begun) << begun.error();
  auto& transaction = *begun;
  // Something else takes the space the sparse file did not reserve.
  test::write_file(root() / "someone_else.bin", std::string(700 * 1024, 'z'));
  const std::string block(256 * 1024, 'd');
  Result<void> written;
  for (std::uint64_t offset = 0; offset < 768 * 1024 && written; offset += block.size())
    written = transaction.files().write(1, offset, bytes_of(block));
  ASSERT_FALSE(written) << "the disk never filled up";
  EXPECT_NE(written.error().message.find("No space left on device"), std::string::npos)
      << written.error();
  EXPECT_NE(written.error().message.find("a.bin"), std::string::npos) << written.error();
  transaction.fail();
  EXPECT_FALSE(fs::exists(root() / ".version.ini.discarded"));
  EXPECT_FALSE(fs::exists(root() / "version.ini"));
}

}  // namespace
}  // namespace lanspread::peer::download
