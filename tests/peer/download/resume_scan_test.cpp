#include "peer/download/resume_scan.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "peer/download/block_plan.hpp"
#include "peer/library/block_hash.hpp"
#include "support/sample_bytes.hpp"
#include "support/temp_dir.hpp"
#include "support/wine.hpp"

// The block plan refuses integrity data that does not fit; the resume scan
// finds the planned blocks already on disk that verify.
namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
using test::pattern;
constexpr std::uint32_t kBlock = kMinBlockSize;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

proto::GameFileDescription described(const std::string& path, const std::string& data) {
  proto::GameFileDescription file{.game_id = "cs16", .relative_path = path, .size = data.size()};
  file.block_size = kBlock;
  for (std::size_t offset = 0; offset < data.size(); offset += kBlock)
    file.block_hashes.push_back(sha256(bytes_of(std::string_view(data).substr(offset, kBlock))));
  return file;
}

TEST(BlockPlanTest, RefusesIntegrityDataThatDoesNotFitTheSizes) {
  auto good = described("a.bin", pattern(2 * kBlock + 1, 3));
  const auto planned = plan_blocks({good});
  ASSERT_TRUE(planned) << planned.error();
  EXPECT_EQ(planned->blocks.size(), 3u);
  auto missing_hash = good;
  missing_hash.block_hashes.pop_back();
  const auto refused = plan_blocks({missing_hash});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("2 block hashes"), std::string::npos);
  auto no_size = good;
  no_size.block_size = 0;
  EXPECT_FALSE(plan_blocks({no_size}));
  auto huge = good;
  huge.block_size = 1u << 30;
  EXPECT_FALSE(plan_blocks({huge}));
  // The sentinel and folders are never blocks.
  auto sentinel = described("version.ini", "20240315");
  const auto nothing = plan_blocks({sentinel, {.relative_path = "maps", .is_dir = true}});
  ASSERT_TRUE(nothing) << nothing.error();
  EXPECT_TRUE(nothing->blocks.empty());
}

class ResumeScanTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_ / "cs16"; }
  std::vector<bool> scan(const std::vector<proto::GameFileDescription>& files) {
    const auto plan = plan_blocks(files);
    EXPECT_TRUE(plan) << plan.error();
    return plan ? resume_scan(root(), files, *plan) : std::vector<bool>();
  }
  test::TempDir dir_;
};

TEST_F(ResumeScanTest, AHalfWrittenFileVerifiesOnlyItsGoodBlocks) {
  const auto data = pattern(4 * kBlock, 4);
  const auto manifest = std::vector{described("a.bin", data)};
  // Blocks 0 and 1 arrived, block 2 is a hole (zeros), block 3 never came.
  auto on_disk =
      data.substr(0, 2 * kBlock) + std::string(kBlock, '\0') + data.substr(3 * kBlock, 7);
  test::write_file(root() / "a.bin", on_disk);
  EXPECT_EQ(scan(manifest), (std::vector<bool>{true, true, false, false}));
}

TEST_F(ResumeScanTest, AWrongSizedFileVerifiesTheBlocksItHolds) {
  const auto data = pattern(2 * kBlock + 10, 5);
  const auto manifest = std::vector{described("a.bin", data), described("b.bin", data)};
  test::write_file(root() / "a.bin", data + "trailing bytes");         // longer
  test::write_file(root() / "b.bin", data.substr(0, 2 * kBlock + 3));  // last block short
  EXPECT_EQ(scan(manifest), (std::vector<bool>{true, true, true, true, true, false}));
}

TEST_F(ResumeScanTest, MissingOrSymlinkedFilesVerifyNothing) {
  if (test::running_under_wine())
    GTEST_SKIP() << "wine 8 cannot open a symlink itself (FILE_FLAG_OPEN_REPARSE_POINT)";
  const auto data = pattern(kBlock + 1, 6);
  test::write_file(dir_ / "outside/a.bin", data);
  fs::create_directories(root());
  test::create_symlink(dir_ / "outside/a.bin", root() / "linked.bin");
  const auto manifest =
      std::vector{described("missing/a.bin", data), described("linked.bin", data)};
  EXPECT_EQ(scan(manifest), (std::vector<bool>(4, false)));
}

}  // namespace
}  // namespace lanspread::peer::download
