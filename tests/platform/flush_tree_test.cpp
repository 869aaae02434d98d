#include "platform/flush_tree.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "base/utf8_path.hpp"
#include "support/temp_dir.hpp"

namespace lanspread::platform {
namespace {

TEST(FlushTreeTest, FlushesAFolderOfFilesWithNonAsciiNames) {
  test::TempDir dir;
  const auto game = dir / "Über Spiel";
  std::filesystem::create_directories(game / path_from_utf8("données"));
  std::ofstream(game / path_from_utf8("données/größe.pak")) << "payload";
  std::ofstream(game / "version.ini") << "1";
  const auto flushed = flush_tree(game);
  EXPECT_TRUE(flushed) << flushed.error().message;
}

TEST(FlushTreeTest, AMissingFolderIsAnErrorNamingIt) {
  test::TempDir dir;
  const auto flushed = flush_tree(dir / "gone");
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.error().message.find("gone"), std::string::npos) << flushed.error().message;
}

}  // namespace
}  // namespace lanspread::platform
