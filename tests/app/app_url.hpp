#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>

namespace lanspread::test {

// The address `lanspread app` prints: its port and the UI's token.
struct AppUrl {
  std::uint16_t port = 0;
  std::string token;
};

inline std::optional<AppUrl> parse_app_url(const std::string& out) {
  static const std::regex kUrl(R"(http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+))");
  std::smatch match;
  if (!std::regex_search(out, match, kUrl))
    return std::nullopt;
  return AppUrl{static_cast<std::uint16_t>(std::stoi(match[1])), match[2]};
}

}  // namespace lanspread::test
