#include "peer/library/file_name_rules.hpp"

#include <array>
#include <map>

#include "base/utf8.hpp"
#include "platform/upper_case.hpp"

namespace lanspread::peer {
namespace {

constexpr std::string_view kWindowsForbidden = "<>:\"|?*\\";

std::u32string upper_cased(std::string_view text) {
  const auto code_points = decode_utf8(text);
  return platform::upper_case(code_points ? *code_points : std::u32string());
}

// `base` upper-cased, without what follows its first dot or trailing spaces.
bool is_reserved_device(std::u32string_view base) {
  static constexpr std::array<std::u32string_view, 6> kPlain = {U"CON", U"PRN",    U"AUX",
                                                                U"NUL", U"CONIN$", U"CONOUT$"};
  for (const auto reserved : kPlain) {
    if (base == reserved)
      return true;
  }
  if (base.size() != 4 || !(base.starts_with(U"COM") || base.starts_with(U"LPT")))
    return false;
  const char32_t digit = base[3];
  return (digit >= U'0' && digit <= U'9') || digit == U'\u00B9' || digit == U'\u00B2' ||
         digit == U'\u00B3';
}

}  // namespace

Result<void> check_windows_name(std::string_view name) {
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20)
      return Error{"has a control character, which Windows does not allow in a file name"};
    if (kWindowsForbidden.find(c) != std::string_view::npos)
      return Error{std::string("has '") + c + "', which Windows does not allow in a file name"};
  }
  if (!name.empty() && (name.back() == '.' || name.back() == ' '))
    return Error{"ends with a dot or a space, which Windows drops from a file name"};
  auto base = upper_cased(name.substr(0, name.find('.')));
  while (!base.empty() && base.back() == U' ')
    base.pop_back();
  if (is_reserved_device(base))
    return Error{"names a device on Windows ('" + std::string(name) + "')"};
  return {};
}

Result<void> check_distinct_ignoring_case(const std::vector<std::string>& paths, NameRules rules) {
  if (rules != NameRules::Windows)
    return {};
  std::map<std::u32string, std::string> seen;  // upper-cased path -> as spelled
  for (const auto& path : paths) {
    for (auto end = path.find('/');; end = path.find('/', end + 1)) {
      const auto prefix = path.substr(0, end);
      const auto [it, added] = seen.emplace(upper_cased(prefix), prefix);
      if (!added && it->second != prefix) {
        return Error{"paths '" + it->second + "' and '" + prefix +
                     "' differ only in case: Windows would store them as one"};
      }
      if (end == std::string::npos)
        break;
    }
  }
  return {};
}

}  // namespace lanspread::peer
