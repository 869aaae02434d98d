#include "mdns/txt_record.hpp"

#include <algorithm>

namespace lanspread::mdns {

std::optional<std::string> txt_value(const TxtData& txt, std::string_view key) {
  const auto key_matches = [key](std::string_view candidate) {
    return candidate.size() == key.size() &&
           std::equal(candidate.begin(), candidate.end(), key.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  for (const std::string_view string : txt.strings) {
    const auto equals = string.find('=');
    if (key_matches(string.substr(0, equals)))
      return equals == std::string_view::npos ? std::string()
                                              : std::string(string.substr(equals + 1));
  }
  return std::nullopt;
}

}  // namespace lanspread::mdns
