#include "peer/install/entry_name.hpp"

namespace lanspread::peer::install {

Result<std::string> check_entry_name(std::string_view name) {
  return check_entry_name(name, NameRules::Posix);
}

}  // namespace lanspread::peer::install
