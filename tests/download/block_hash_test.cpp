#include "peer/library/block_hash.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "peer/download/block_plan.hpp"
#include "peer/download/resume_scan.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::peer::download {
namespace {
namespace fs = std::filesystem;
constexpr std::uint32_t kBlock = kMinBlockSize;

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

std::string hex(const proto::Sha256Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const auto byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

// Deterministic, not repetitive within a block.
std::string pattern(std::size_t size, unsigned seed) {
  std::string data(size, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : data) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 16);
  }
  return data;
}

// sha256sum, an implementation independent of ours, over one slice.
std::string sha256sum(const fs::path& file, std::uint64_t offset, std::uint64_t length) {
  const auto command = "tail -c +" + std::to_string(offset + 1) + " '" + file.string() +
                       "' | head -c " + std::to_string(length) + " | sha256sum";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char line[65] = {};
  if (!pipe || std::fread(line, 1, 64, pipe.get()) != 64)
    return "sha256sum failed";
  return line;
}

proto::GameFileDescription described(const std::string& path, const std::string& data) {
  proto::GameFileDescription file{.game_id = "cs16", .relative_path = path, .size = data.size()};
  file.block_size = kBlock;
  for (std::size_t offset = 0; offset < data.size(); offset += kBlock)
    file.block_hashes.push_back(sha256(bytes_of(std::string_view(data).substr(offset, kBlock))));
  return file;
}

TEST(BlockHashTest, MatchesTheStandardVectors) {
  EXPECT_EQ(hex(sha256(bytes_of("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(BlockHashTest, IncrementalEqualsOneShotAndStartsOverAfterFinish) {
  const auto data = pattern(10000, 1);
  Sha256 hasher;
  hasher.update(bytes_of(std::string_view(data).substr(0, 3)));
  hasher.update(bytes_of(std::string_view(data).substr(3)));
  EXPECT_EQ(hasher.finish(), sha256(bytes_of(data)));
  hasher.update(bytes_of("abc"));
  EXPECT_EQ(hasher.finish(), sha256(bytes_of("abc")));
}

TEST(BlockHashTest, FileBlocksMatchSha256sumOfEachSlice) {
  test::TempDir dir;
  const auto data = pattern(3 * kBlock + 123, 2);
  test::write_file(dir / "cs16/a.bin", data);
  int error = 0;
  const auto root = platform::DirectoryHandle::open(dir / "cs16", error);
  ASSERT_TRUE(root);
  const auto opened = platform::ReadOnlyFile::open_in(*root, "a.bin", error);
  ASSERT_TRUE(opened);
  std::string reason;
  const auto hashes = hash_blocks(*opened, data.size(), kBlock, reason);
  ASSERT_TRUE(hashes) << reason;
  ASSERT_EQ(hashes->size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto length = std::min<std::uint64_t>(kBlock, data.size() - i * kBlock);
    EXPECT_EQ(hex((*hashes)[i]), sha256sum(dir / "cs16/a.bin", i * kBlock, length)) << i;
  }
  // Asked for more than the file holds: a clear error, not a short hash.
  EXPECT_FALSE(hash_blocks(*opened, data.size() + 1, kBlock, reason));
  EXPECT_NE(reason.find("ends at byte"), std::string::npos) << reason;
}

TEST(BlockPlanTest, RefusesIntegrityDataThatDoesNotFitTheSizes) {
  auto good = described("a.bin", pattern(2 * kBlock + 1, 3));
  EXPECT_FALSE(plan_blocks({good}).error);
  EXPECT_EQ(plan_blocks({good}).blocks.size(), 3u);
  auto missing_hash = good;
  missing_hash.block_hashes.pop_back();
  EXPECT_NE(plan_blocks({missing_hash}).error.value_or("").find("2 block hashes"),
            std::string::npos);
  auto no_size = good;
  no_size.block_size = 0;
  EXPECT_TRUE(plan_blocks({no_size}).error);
  auto huge = good;
  huge.block_size = 1u << 30;
  EXPECT_TRUE(plan_blocks({huge}).error);
  // The sentinel and folders are never blocks.
  auto sentinel = described("version.ini", "20240315");
  EXPECT_TRUE(plan_blocks({sentinel, {.relative_path = "maps", .is_dir = true}}).blocks.empty());
}

class ResumeScanTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_ / "cs16"; }
  std::vector<bool> scan(const std::vector<proto::GameFileDescription>& files) {
    const auto plan = plan_blocks(files);
    EXPECT_FALSE(plan.error);
    return resume_scan(root(), files, plan);
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
  const auto data = pattern(kBlock + 1, 6);
  test::write_file(dir_ / "outside/a.bin", data);
  fs::create_directories(root());
  fs::create_symlink(dir_ / "outside/a.bin", root() / "linked.bin");
  const auto manifest =
      std::vector{described("missing/a.bin", data), described("linked.bin", data)};
  EXPECT_EQ(scan(manifest), (std::vector<bool>(4, false)));
}

}  // namespace
}  // namespace lanspread::peer::download
