#include "peer/download/manifest_path.hpp"

#include "peer/library/game_root_layout.hpp"
#include "peer/library/game_root_walk.hpp"

namespace lanspread::peer::download {

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
        return refuse("cannot be written here: '" + std::string(part) + "' " +
                      storable.error().message);
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

}  // namespace lanspread::peer::download
