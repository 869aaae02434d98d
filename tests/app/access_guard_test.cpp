#include "app/access_guard.hpp"

#include <gtest/gtest.h>

namespace lanspread::app {
namespace {

const std::string kToken(64, 'a');

TEST(AccessGuard, HostMustNameLoopbackAndThisPort) {
  const AccessGuard guard(kToken, 8080);
  EXPECT_TRUE(guard.host_allowed("127.0.0.1:8080"));
  EXPECT_TRUE(guard.host_allowed("localhost:8080"));
  EXPECT_FALSE(guard.host_allowed("evil.example:8080"));  // DNS rebinding
  EXPECT_FALSE(guard.host_allowed("127.0.0.1:8081"));
  EXPECT_FALSE(guard.host_allowed("127.0.0.1"));
  EXPECT_FALSE(guard.host_allowed(""));
}

TEST(AccessGuard, OriginMustBeThisApp) {
  const AccessGuard guard(kToken, 8080);
  EXPECT_TRUE(guard.origin_allowed("http://127.0.0.1:8080"));
  EXPECT_TRUE(guard.origin_allowed("http://localhost:8080"));
  EXPECT_FALSE(guard.origin_allowed("http://evil.example"));
  EXPECT_FALSE(guard.origin_allowed("http://127.0.0.1:9999"));
  EXPECT_FALSE(guard.origin_allowed("null"));
}

TEST(AccessGuard, TokenMustMatchExactly) {
  const AccessGuard guard(kToken, 8080);
  EXPECT_TRUE(guard.token_matches(kToken));
  EXPECT_FALSE(guard.token_matches(kToken.substr(1)));
  EXPECT_FALSE(guard.token_matches(std::string(64, 'b')));
  EXPECT_FALSE(guard.token_matches(""));
}

TEST(AccessGuard, RefusalNamesTheFirstProblem) {
  const AccessGuard guard(kToken, 8080);
  AccessGuard::Request request{.host = "127.0.0.1:8080", .token = kToken};
  // The reason of a refusal; "" when the request is admitted.
  const auto refusal = [&guard](const AccessGuard::Request& checked) {
    const auto admitted = guard.admit(checked);
    return admitted ? std::string() : admitted.error().message;
  };
  EXPECT_TRUE(guard.admit(request));

  auto evil_host = request;
  evil_host.host = "rebind.example:8080";
  EXPECT_NE(refusal(evil_host).find("Host"), std::string::npos);

  auto evil_origin = request;
  evil_origin.origin = "http://evil.example";
  EXPECT_NE(refusal(evil_origin).find("Origin"), std::string::npos);

  auto cross_site = request;
  cross_site.fetch_site = "cross-site";
  EXPECT_FALSE(guard.admit(cross_site));
  cross_site.fetch_site = "same-origin";
  EXPECT_TRUE(guard.admit(cross_site));

  auto no_token = request;
  no_token.token.reset();
  EXPECT_EQ(refusal(no_token), "missing access token");
  no_token.needs_token = false;
  EXPECT_TRUE(guard.admit(no_token));

  auto wrong_token = request;
  const std::string other_token(64, 'b');
  wrong_token.token = other_token;
  EXPECT_EQ(refusal(wrong_token), "wrong access token");
}

TEST(AccessGuard, GeneratedTokensAreLongAndFresh) {
  const auto first = AccessGuard::generate_token();
  const auto second = AccessGuard::generate_token();
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(first, second);
  EXPECT_THROW(AccessGuard("", 1), std::invalid_argument);
}

}  // namespace
}  // namespace lanspread::app
