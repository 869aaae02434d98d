#include "base/utf8_path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lanspread {
namespace {

TEST(Utf8PathTest, TextSurvivesTheRoundTripThroughAPath) {
  const std::string name = "Spiel \xC3\xBC\xC3\x9F \xE6\xB8\xB8\xE6\x88\x8F";
  EXPECT_EQ(utf8_of(path_from_utf8(name)), name);
  EXPECT_EQ(utf8_of(path_from_utf8("a/" + name).filename()), name);
}

}  // namespace
}  // namespace lanspread
