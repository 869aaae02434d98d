#include "base/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

namespace lanspread {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9')
    return Error{std::string("'") + c + "' is not a digit"};
  return c - '0';
}

Result<void> check_even(int n) {
  if (n % 2 != 0)
    return Error{std::to_string(n) + " is odd"};
  return {};
}

// A caller that passes its callee's error on unchanged.
Result<int> parse_even_digit(char c) {
  auto digit = parse_digit(c);
  if (!digit)
    return digit.error();
  if (auto even = check_even(*digit); !even)
    return even.error();
  return *digit;
}

TEST(ResultTest, HoldsAValue) {
  auto result = parse_digit('4');
  ASSERT_TRUE(result) << result.error();
  EXPECT_TRUE(result.has_value());
  EXPECT_EQ(result.value(), 4);
  EXPECT_EQ(*result, 4);
  result.value() = 7;
  EXPECT_EQ(std::as_const(result).value(), 7);
  EXPECT_FALSE(result.was_cancelled());
  EXPECT_THROW(static_cast<void>(result.error()), std::bad_variant_access);
}

TEST(ResultTest, HoldsAnError) {
  const auto result = parse_digit('x');
  ASSERT_FALSE(result);
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "'x' is not a digit");
  EXPECT_EQ(result.error().kind, Error::Kind::Failed);
  EXPECT_FALSE(result.was_cancelled());
  EXPECT_THROW(static_cast<void>(result.value()), std::bad_variant_access);
}

TEST(ResultTest, ValueMayItselfBeAString) {
  EXPECT_EQ(Result<std::string>("v").value(), "v");
  EXPECT_EQ(Result<std::string>(Error{"e"}).error().message, "e");
  EXPECT_FALSE(Result<std::string>(Error{"e"}));
  EXPECT_TRUE(Result<std::string>(std::string()));  // an empty value is still a value
}

TEST(ResultTest, ValueCanBeMovedOutOfATemporary) {
  const std::unique_ptr<int> moved = Result<std::unique_ptr<int>>(std::make_unique<int>(3)).value();
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(*moved, 3);
}

TEST(ResultTest, MembersOfTheValueAreReachedThroughTheArrow) {
  Result<std::vector<int>> result(std::vector<int>{1, 2, 3});
  EXPECT_EQ(result->size(), 3U);
  result->push_back(4);
  EXPECT_EQ(std::as_const(result)->back(), 4);
}

TEST(ResultTest, AnOptionalValueMaySayNothingWasThereWithoutAFailure) {
  const Result<std::optional<int>> none(std::nullopt);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  const Result<std::optional<int>> failed(Error{"cannot look"});
  EXPECT_FALSE(failed);
}

TEST(ResultTest, VoidResultsSayOnlyWhetherItWorked) {
  const auto even = check_even(4);
  EXPECT_TRUE(even);
  EXPECT_TRUE(even.has_value());
  EXPECT_THROW(static_cast<void>(even.error()), std::bad_variant_access);

  const auto odd = check_even(3);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().message, "3 is odd");
  EXPECT_FALSE(odd.was_cancelled());
}

TEST(ResultTest, AnErrorPassesUpUnchangedThroughCallers) {
  EXPECT_EQ(parse_even_digit('8').value(), 8);
  EXPECT_EQ(parse_even_digit('x').error().message, "'x' is not a digit");
  EXPECT_EQ(parse_even_digit('7').error().message, "7 is odd");
}

TEST(ResultTest, ACancellationIsNotAFailure) {
  const Result<void> stopped = Error::cancelled();
  ASSERT_FALSE(stopped);
  EXPECT_TRUE(stopped.was_cancelled());
  EXPECT_EQ(stopped.error().kind, Error::Kind::Cancelled);
  EXPECT_EQ(stopped.error().message, "cancelled");

  const Result<int> stopped_value = Error::cancelled();
  EXPECT_TRUE(stopped_value.was_cancelled());
  // Passed on, it stays a cancellation.
  const Result<void> passed_on = stopped_value.error();
  EXPECT_TRUE(passed_on.was_cancelled());
}

TEST(ResultTest, AnErrorPrintsAsItsMessage) {
  std::ostringstream out;
  out << Error{"disk full"};
  EXPECT_EQ(out.str(), "disk full");
}

TEST(ResultTest, ALayerMayUseItsOwnErrorType) {
  const Result<int, std::error_code> refused(std::make_error_code(std::errc::permission_denied));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), std::errc::permission_denied);
  const Result<void, std::error_code> done;
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace lanspread
