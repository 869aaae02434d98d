#include "peer/library/block_hash.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "proto/hex.hpp"
#include "support/sample_bytes.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using proto::to_hex;
using test::pattern;
using test::sha256sum;
constexpr std::uint32_t kBlock = 4 * 1024;  // the smallest block size a manifest may use

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

TEST(BlockHashTest, MatchesTheStandardVectors) {
  EXPECT_EQ(to_hex(sha256(bytes_of("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
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
  const auto root = platform::DirectoryHandle::open(dir / "cs16");
  ASSERT_TRUE(root) << root.error().message();
  const auto opened = platform::ReadOnlyFile::open_in(*root, "a.bin");
  ASSERT_TRUE(opened) << opened.error().message();
  const auto hashes = hash_blocks(*opened, data.size(), kBlock);
  ASSERT_TRUE(hashes) << hashes.error();
  ASSERT_EQ(hashes->size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto length = std::min<std::uint64_t>(kBlock, data.size() - i * kBlock);
    EXPECT_EQ(to_hex((*hashes)[i]), sha256sum(dir / "cs16/a.bin", i * kBlock, length)) << i;
  }
  // Asked for more than the file holds: a clear error, not a short hash.
  const auto short_read = hash_blocks(*opened, data.size() + 1, kBlock);
  ASSERT_FALSE(short_read);
  EXPECT_NE(short_read.error().message.find("ends at byte"), std::string::npos)
      << short_read.error();
}

}  // namespace
}  // namespace lanspread::peer
