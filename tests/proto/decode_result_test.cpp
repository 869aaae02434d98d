#include "proto/decode_result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace lanspread::proto {
namespace {

TEST(DecodeResult, HoldsAValue) {
  auto result = DecodeResult<int>::ok(42);
  ASSERT_TRUE(result);
  EXPECT_EQ(result.value(), 42);
  result.value() = 7;
  EXPECT_EQ(std::as_const(result).value(), 7);
  EXPECT_THROW(static_cast<void>(result.error()), std::bad_variant_access);
}

TEST(DecodeResult, HoldsAnError) {
  const auto result = DecodeResult<int>::failure("request field 'x': missing");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "request field 'x': missing");
  EXPECT_THROW(static_cast<void>(result.value()), std::bad_variant_access);
}

TEST(DecodeResult, ValueMayItselfBeAString) {
  EXPECT_EQ(DecodeResult<std::string>::ok("v").value(), "v");
  EXPECT_EQ(DecodeResult<std::string>::failure("e").error(), "e");
  EXPECT_FALSE(DecodeResult<std::string>::failure("e"));
}

TEST(DecodeResult, ValueCanBeMovedOutOfATemporary) {
  const std::unique_ptr<int> moved =
      DecodeResult<std::unique_ptr<int>>::ok(std::make_unique<int>(3)).value();
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(*moved, 3);
}

}  // namespace
}  // namespace lanspread::proto
