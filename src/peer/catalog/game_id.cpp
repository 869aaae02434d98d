#include "peer/catalog/game_id.hpp"

#include <array>

namespace lanspread::peer {
namespace {

constexpr std::array<std::string_view, 22> kWindowsReservedNames = {
    "con",  "prn",  "aux",  "nul",  "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"};

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

bool is_valid_game_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  if (id.front() == '_' || id.front() == '-')
    return false;
  for (const char c : id) {
    if (!is_id_char(c))
      return false;
  }
  for (const auto reserved : kWindowsReservedNames) {
    if (id == reserved)
      return false;
  }
  return true;
}

}  // namespace lanspread::peer
