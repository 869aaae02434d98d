#include "peer/install/entry_name.hpp"

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
      if (auto storable = check_windows_name(part); !storable)
        return Error{"entry '" + std::string(name) + "' " + storable.error().message};
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
