#include "peer/download/manifest_digest.hpp"

#include <gtest/gtest.h>

namespace lanspread::peer::download {
namespace {

std::vector<proto::GameFileDescription> sample() {
  proto::Sha256Digest hash{};
  hash.fill(7);
  return {
      {.game_id = "cs16", .relative_path = "maps", .is_dir = true},
      {.game_id = "cs16",
       .relative_path = "maps/de_dust2.bsp",
       .size = 10,
       .block_size = 1024,
       .block_hashes = {hash}},
  };
}

TEST(ManifestDigest, IsTheSameForEqualManifests) {
  EXPECT_EQ(manifest_digest(sample()), manifest_digest(sample()));
}

TEST(ManifestDigest, ChangesWithEveryFieldThatShapesTheBlockPlan) {
  const auto original = manifest_digest(sample());
  auto changed = sample();
  changed[1].size = 11;
  EXPECT_NE(manifest_digest(changed), original);
  changed = sample();
  changed[1].block_size = 2048;
  EXPECT_NE(manifest_digest(changed), original);
  changed = sample();
  changed[1].block_hashes[0][31] ^= 1;
  EXPECT_NE(manifest_digest(changed), original);
  changed = sample();
  changed[1].relative_path = "maps/de_dust3.bsp";
  EXPECT_NE(manifest_digest(changed), original);
  changed = sample();
  changed[0].is_dir = false;
  EXPECT_NE(manifest_digest(changed), original);
  changed = sample();
  std::swap(changed[0], changed[1]);
  EXPECT_NE(manifest_digest(changed), original);
}

TEST(ManifestDigest, PathBoundariesCannotBeShifted) {
  auto first = sample();
  first[0].relative_path = "ab";
  first[1].relative_path = "c";
  auto second = sample();
  second[0].relative_path = "a";
  second[1].relative_path = "bc";
  EXPECT_NE(manifest_digest(first), manifest_digest(second));
}

}  // namespace
}  // namespace lanspread::peer::download
