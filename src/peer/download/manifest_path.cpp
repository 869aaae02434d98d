#include "peer/download/manifest_path.hpp"

#include "peer/library/game_root_layout.hpp"
#include "peer/library/game_root_walk.hpp"

namespace lanspread::peer::download {

ManifestPath check_manifest_path(std::string_view path) {
  ManifestPath checked;
  const auto refuse = [&](std::string why) {
    checked.components.clear();
    checked.error = "path '" + std::string(path) + "' " + std::move(why);
    return checked;
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
    checked.components.emplace_back(part);
    if (slash == std::string_view::npos)
      break;
    rest.remove_prefix(slash + 1);
  }
  if (layout::is_unserved_root_entry(checked.components.front()))
    return refuse("is under a reserved root entry (" + checked.components.front() + ")");
  return checked;
}

}  // namespace lanspread::peer::download
