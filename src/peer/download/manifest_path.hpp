#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lanspread::peer::download {

// A manifest path taken apart after checking that it may be written inside a
// game root: '/'-separated and relative, no empty, "." or ".." components,
// names that can land on any peer's disk (see is_servable_name), and nothing
// under local/ or the reserved root entries. A peer's manifest is untrusted.
struct ManifestPath {
  std::vector<std::string> components;
  std::optional<std::string> error;  // the reason it was refused
};

ManifestPath check_manifest_path(std::string_view path);

}  // namespace lanspread::peer::download
