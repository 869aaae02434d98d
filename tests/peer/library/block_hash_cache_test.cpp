#include "peer/library/block_hash_cache.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "peer/library/game_root_walk.hpp"
#include "proto/hex.hpp"
#include "support/sample_bytes.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::peer {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
constexpr std::uint32_t kBlock = 4096;

using proto::to_hex;
using test::pattern;
using test::sha256sum;

class BlockHashCacheTest : public ::testing::Test {
 protected:
  BlockHashCacheTest() {
    test::write_file(games() / "cs16/version.ini", "20240315");
    test::write_file(games() / "cs16/cs16.rar", pattern(2 * kBlock + 100, 1));
    test::write_file(games() / "cs16/maps/de_dust2.bsp", pattern(kBlock, 2));
  }
  fs::path games() const { return dir_ / "games"; }
  fs::path state() const { return dir_ / "state"; }

  std::vector<proto::GameFileDescription> manifest(BlockHashCache& cache) {
    auto files = list_served_files(games(), "cs16");
    cache.fill(games(), "cs16", files);
    return files;
  }

  // The racy window is off: these files were written a moment ago.
  BlockHashCache make_cache() { return BlockHashCache(state(), kBlock, 0ns); }

  test::TempDir dir_;
};

TEST_F(BlockHashCacheTest, HashesEveryBlockLikeSha256sum) {
  auto cache = make_cache();
  const auto files = manifest(cache);
  std::size_t checked = 0;
  for (const auto& file : files) {
    if (file.is_dir) {
      EXPECT_TRUE(file.block_hashes.empty());
      continue;
    }
    EXPECT_EQ(file.block_size, kBlock);
    ASSERT_EQ(file.block_hashes.size(), (file.size + kBlock - 1) / kBlock) << file.relative_path;
    for (std::size_t i = 0; i < file.block_hashes.size(); ++i) {
      const auto length = std::min<std::uint64_t>(kBlock, file.size - i * kBlock);
      EXPECT_EQ(proto::to_hex(file.block_hashes[i]),
                sha256sum(games() / "cs16" / file.relative_path, i * kBlock, length))
          << file.relative_path << " block " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 5u);
}

TEST_F(BlockHashCacheTest, ACacheHitReadsNothingEvenAfterARestart) {
  const std::uint64_t total = 8 + 2 * kBlock + 100 + kBlock;
  std::vector<proto::GameFileDescription> first;
  {
    auto cache = make_cache();
    first = manifest(cache);
    EXPECT_EQ(cache.bytes_hashed(), total);
    EXPECT_EQ(manifest(cache), first);
    EXPECT_EQ(cache.bytes_hashed(), total) << "the second request hashed again";
  }
  auto restarted = make_cache();
  EXPECT_EQ(manifest(restarted), first);
  EXPECT_EQ(restarted.bytes_hashed(), 0u) << "the saved cache was not used";
}

TEST_F(BlockHashCacheTest, AFileChangedInPlaceIsHashedAgain) {
  auto cache = make_cache();
  const auto before = manifest(cache);
  // Same size, new bytes, a new mtime.
  const auto rar = games() / "cs16/cs16.rar";
  test::write_file(rar, pattern(2 * kBlock + 100, 3));
  test::age(rar);
  const auto hashed_before = cache.bytes_hashed();
  const auto after = manifest(cache);
  EXPECT_EQ(cache.bytes_hashed() - hashed_before, 2 * kBlock + 100) << "only that file";
  for (const auto& file : after) {
    if (file.relative_path != "cs16.rar")
      continue;
    EXPECT_EQ(proto::to_hex(file.block_hashes[0]), sha256sum(rar, 0, kBlock));
    EXPECT_EQ(proto::to_hex(file.block_hashes[2]), sha256sum(rar, 2 * kBlock, 100));
  }
  EXPECT_NE(after, before);
}

TEST_F(BlockHashCacheTest, SameNamedFilesInNeighbouringFoldersEachGetTheirOwnHashes) {
  // Listed one after another, so each is looked up right after a namesake
  // in another folder.
  const std::vector<std::string> paths = {"maps/level.bsp", "maps/a/level.bsp", "maps/b/level.bsp",
                                          "maps/b/c/level.bsp", "level.bsp"};
  for (std::size_t i = 0; i < paths.size(); ++i)
    test::write_file(games() / "cs16" / paths[i], pattern(kBlock + 1 + 7 * i, 10 + i));
  for (int pass = 0; pass < 2; ++pass) {  // hashed, then from the cache
    auto cache = make_cache();
    for (const auto& file : manifest(cache)) {
      if (file.is_dir || !file.relative_path.ends_with("level.bsp"))
        continue;
      ASSERT_EQ(file.block_hashes.size(), 2u) << file.relative_path;
      EXPECT_EQ(proto::to_hex(file.block_hashes[1]),
                sha256sum(games() / "cs16" / file.relative_path, kBlock, file.size - kBlock))
          << file.relative_path << " pass " << pass;
    }
  }
}

TEST_F(BlockHashCacheTest, AFileThatWentAwayLeavesTheSavedCache) {
  {
    auto cache = make_cache();
    manifest(cache);
    fs::remove(games() / "cs16/maps/de_dust2.bsp");
    manifest(cache);
  }
  std::ifstream saved(state() / "block_hashes/cs16.json");
  const std::string text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("cs16.rar"), std::string::npos);
  EXPECT_EQ(text.find("de_dust2"), std::string::npos);
}

TEST_F(BlockHashCacheTest, ACorruptCacheFileIsRebuilt) {
  {
    auto cache = make_cache();
    manifest(cache);
  }
  const auto saved = state() / "block_hashes/cs16.json";
  ASSERT_TRUE(fs::exists(saved));
  for (const char* garbage : {"{not json", R"({"format":1,"block_size":4096,"files":{"cs16.rar":
      {"device":1,"inode":2,"size":3,"mtime_ns":4,"ctime_ns":5,"hashes":"zz"}}})"}) {
    test::write_file(saved, garbage);
    auto cache = make_cache();
    const auto files = manifest(cache);
    EXPECT_GT(cache.bytes_hashed(), 0u);
    for (const auto& file : files) {
      if (file.relative_path == "cs16.rar") {
        EXPECT_EQ(proto::to_hex(file.block_hashes[1]),
                  sha256sum(games() / "cs16/cs16.rar", kBlock, kBlock));
      }
    }
    auto reloaded = make_cache();
    manifest(reloaded);
    EXPECT_EQ(reloaded.bytes_hashed(), 0u) << "the rebuilt cache was saved";
  }
}

TEST_F(BlockHashCacheTest, ABackgroundPassLeavesRequestsNothingToHash) {
  auto cache = make_cache();
  cache.hash_games(games(), {"cs16", "not_there"});
  const auto after_pass = cache.bytes_hashed();
  EXPECT_GT(after_pass, 0u);
  manifest(cache);
  EXPECT_EQ(cache.bytes_hashed(), after_pass);
}

TEST_F(BlockHashCacheTest, RecentlyChangedFilesAreHashedButNotRemembered) {
  BlockHashCache cache(state(), kBlock, 1h);
  const auto first = manifest(cache);
  const auto hashed = cache.bytes_hashed();
  EXPECT_EQ(manifest(cache), first);
  EXPECT_EQ(cache.bytes_hashed(), 2 * hashed);
}

}  // namespace
}  // namespace lanspread::peer
