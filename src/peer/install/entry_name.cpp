#include "peer/install/entry_name.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace lanspread::peer::install {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto part = path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    if (!part.empty() && part != ".")
      parts.push_back(part);
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return parts;
}

bool has_windows_drive(std::string_view name) {
  return name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) != 0 &&
         name[1] == ':';
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::toupper(static_cast<unsigned char>(x)) ==
           std::toupper(static_cast<unsigned char>(y));
  });
}

// Whether Windows takes `component` for a device: CON, CON.txt and "con .x"
// all open the console rather than a file.
bool is_windows_device_name(std::string_view component) {
  auto base = component.substr(0, component.find('.'));
  while (!base.empty() && base.back() == ' ')
    base.remove_suffix(1);
  for (const std::string_view device : {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}) {
    if (equals_ignoring_case(base, device))
      return true;
  }
  return base.size() == 4 &&
         (equals_ignoring_case(base.substr(0, 3), "COM") ||
          equals_ignoring_case(base.substr(0, 3), "LPT")) &&
         base[3] >= '1' && base[3] <= '9';
}

// Why Windows cannot store `component` as a file or folder name, or empty.
std::string windows_name_problem(std::string_view component) {
  for (const char c : component) {
    if (static_cast<unsigned char>(c) < 0x20)
      return "has a control character, which Windows does not allow in a file name";
    if (std::string_view(R"(<>:"|?*\)").find(c) != std::string_view::npos)
      return std::string("has '") + c + "', which Windows does not allow in a file name";
  }
  if (component.back() == '.' || component.back() == ' ')
    return "ends with a dot or a space, which Windows drops from a file name";
  if (is_windows_device_name(component))
    return "names a device on Windows ('" + std::string(component) + "')";
  return {};
}

}  // namespace

Result<std::string> check_entry_name(std::string_view name, NameRules rules) {
  if (name.empty())
    return Error{"an entry has an empty name"};
  if (name.front() == '/' || name.front() == '\\' || has_windows_drive(name))
    return Error{"entry '" + std::string(name) + "' has an absolute path"};
  // A backslash is an ordinary character here but a separator on Windows, so
  // ".." between backslashes is refused too.
  std::string normalised;
  for (auto part : split(name)) {
    std::size_t start = 0;
    while (start <= part.size()) {
      const auto end = part.find('\\', start);
      const auto piece =
          part.substr(start, end == std::string_view::npos ? part.npos : end - start);
      if (piece == "..")
        return Error{"entry '" + std::string(name) + "' contains '..'"};
      if (end == std::string_view::npos)
        break;
      start = end + 1;
    }
    if (rules == NameRules::Windows) {
      if (auto problem = windows_name_problem(part); !problem.empty())
        return Error{"entry '" + std::string(name) + "' " + problem};
    }
    if (!normalised.empty())
      normalised += '/';
    normalised += part;
  }
  return normalised;
}

bool link_target_stays_inside(std::string_view link_relative, std::string_view target) {
  if (target.empty() || target.front() == '/' || target.front() == '\\' ||
      has_windows_drive(target))
    return false;
  auto stack = split(link_relative);
  if (!stack.empty())
    stack.pop_back();  // the link itself; its target is resolved from its directory
  for (auto part : split(target)) {
    if (part == "..") {
      if (stack.empty())
        return false;
      stack.pop_back();
    } else {
      stack.push_back(part);
    }
  }
  return true;
}

}  // namespace lanspread::peer::install
