#include "proto/hex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lanspread::proto {
namespace {

TEST(Hex, EveryByteIsTwoLowercaseDigits) {
  const std::array<std::uint8_t, 6> bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(to_hex(bytes), "00017f80abff");
  EXPECT_EQ(to_hex({}), "");
}

TEST(Hex, AppendingKeepsWhatIsThere) {
  std::string out = "id:";
  const std::array<std::uint8_t, 2> bytes = {0x0f, 0xf0};
  append_hex(out, bytes);
  EXPECT_EQ(out, "id:0ff0");
}

TEST(Hex, DecodesWhatItEncodes) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i)
    all[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> decoded(all.size());
  ASSERT_TRUE(from_hex(to_hex(all), decoded));
  EXPECT_EQ(decoded, all);
}

TEST(Hex, DecodingWantsExactlyTwoDigitsPerByte) {
  std::array<std::uint8_t, 2> out{};
  EXPECT_TRUE(from_hex("beef", out));
  EXPECT_EQ(out, (std::array<std::uint8_t, 2>{0xbe, 0xef}));
  EXPECT_FALSE(from_hex("bee", out));
  EXPECT_FALSE(from_hex("beef00", out));
  EXPECT_FALSE(from_hex("", out));
  EXPECT_TRUE(from_hex("", std::span<std::uint8_t>()));
}

TEST(Hex, DecodingRefusesAnythingButLowercaseDigits) {
  std::array<std::uint8_t, 1> out{};
  for (const char* bad : {"BE", "Be", "g0", "0g", " 0", "0 ", "-1", "0x"})
    EXPECT_FALSE(from_hex(bad, out)) << bad;
}

}  // namespace
}  // namespace lanspread::proto
