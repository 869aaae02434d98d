#include "cli/version.hpp"

#include <fmt/format.h>

#include "app/ui_files.hpp"
#include "cli/build_info.hpp"
#include "peer/install/libarchive_unpacker.hpp"
#include "transport/library_versions.hpp"

namespace lanspread::cli {

std::string version_text() {
  const auto ui_files = app::embedded_ui().size();
  return fmt::format("lanspread {} (commit {})\n{}, {}\nweb UI: {}", program_version(),
                     source_commit(), transport::library_versions(),
                     peer::install::libarchive_version(),
                     ui_files == 0 ? std::string("not built in (there was no ui/dist)")
                                   : fmt::format("built in ({} files)", ui_files));
}

}  // namespace lanspread::cli
