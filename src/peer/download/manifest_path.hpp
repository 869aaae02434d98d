#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "peer/library/file_name_rules.hpp"

namespace lanspread::peer::download {

// A manifest path taken apart into its components after checking that it
// may be written inside a game root: '/'-separated and relative, no empty,
// "." or ".." components, names that can land on any peer's disk (see
// is_servable_name) and on this one's (`rules`), and nothing under local/ or
// the reserved root entries. A peer's manifest is untrusted.
Result<std::vector<std::string>> check_manifest_path(std::string_view path,
                                                     NameRules rules = kLocalNameRules);

}  // namespace lanspread::peer::download
