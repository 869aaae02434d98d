#include "peer/download/manifest_path.hpp"

#include <array>
#include <map>

#include "base/utf8.hpp"
#include "peer/library/game_root_layout.hpp"
#include "peer/library/game_root_walk.hpp"
#include "platform/upper_case.hpp"

namespace lanspread::peer::download {
namespace {

constexpr std::string_view kWindowsForbidden = "<>:\"|?*\\";

// CON, PRN, AUX, NUL, COM0-9, LPT0-9 and the superscript digits Windows also
// reserves, in upper case (names are compared upper-cased).
bool is_reserved_device(std::u32string_view base) {
  static constexpr std::array<std::u32string_view, 4> kPlain = {U"CON", U"PRN", U"AUX", U"NUL"};
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

std::u32string folded(std::string_view text) {
  const auto code_points = decode_utf8(text);
  return platform::upper_case(code_points ? *code_points : std::u32string());
}

}  // namespace

Result<void> check_windows_name(std::string_view name) {
  for (const char c : name) {
    if (kWindowsForbidden.find(c) != std::string_view::npos)
      return Error{std::string("Windows cannot store a name with '") + c + "' in it"};
  }
  if (!name.empty() && (name.back() == '.' || name.back() == ' '))
    return Error{"Windows cannot store a name ending in a dot or a space"};
  // The device names are reserved whatever follows the first dot ("nul.txt"),
  // and with spaces before it ("con .txt").
  auto base = folded(name.substr(0, name.find('.')));
  while (!base.empty() && base.back() == U' ')
    base.pop_back();
  if (is_reserved_device(base))
    return Error{"Windows reserves the name for a device"};
  return {};
}

Result<std::vector<std::string>> check_manifest_path(std::string_view path, NameRules rules) {
  std::vector<std::string> components;
  const auto refuse = [&](std::string why) {
    return Error{"path '" + std::string(path) + "' " + std::move(why)};
  };
  if (path.empty())
    return refuse("is empty");
  if (path.front() == '/')
    return refuse("is absolute");
  auto rest = path;  // `path` stays whole for the messages
  while (true) {
    const auto slash = rest.find('/');
    const auto part = rest.substr(0, slash);
    if (part.empty())
      return refuse("has an empty component");
    if (!is_servable_name(part))
      return refuse("has a component that cannot be written: '" + std::string(part) + "'");
    if (rules == NameRules::Windows) {
      if (auto storable = check_windows_name(part); !storable)
        return refuse("cannot be written here: '" + std::string(part) +
                      "': " + storable.error().message);
    }
    components.emplace_back(part);
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  if (layout::is_unserved_root_entry(components.front()))
    return refuse("is under a reserved root entry (" + components.front() + ")");
  return components;
}

Result<void> check_distinct_ignoring_case(const std::vector<std::string>& paths, NameRules rules) {
  if (rules != NameRules::Windows)
    return {};
  std::map<std::u32string, std::string> seen;  // upper-cased path -> as the manifest spells it
  for (const auto& path : paths) {
    for (auto end = path.find('/');; end = path.find('/', end + 1)) {
      const auto prefix = path.substr(0, end);
      const auto [it, added] = seen.emplace(folded(prefix), prefix);
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

}  // namespace lanspread::peer::download
