#include "cli/version.hpp"

#include <fmt/format.h>

#include "cli/build_info.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "transport/library_versions.hpp"

namespace lanspread::cli {

std::string version_text() {
  return fmt::format("lanspread {} (commit {})\n{}, {}", program_version(), source_commit(),
                     transport::library_versions(), peer::install::libarchive_version());
}

}  // namespace lanspread::cli
