#pragma once

#include <chrono>
#include <string>

#include "cli/global_options.hpp"

namespace lanspread::cli {

struct DownloadOptions {
  std::string game_id;
  bool install = true;
  // How long to look for a peer that has the game before giving up.
  std::chrono::milliseconds wait = std::chrono::seconds(10);
};

// `lanspread download ID`: a peer on the user's game folder that fetches the
// game from every peer that has it, then installs it. A progress bar on a
// terminal, one JSON event per line with --json. Ctrl-C cancels with the
// cancel semantics (payload discarded, local/ kept). 0 only when the game is
// downloaded (and installed).
int run_download(const GlobalOptions& options, const DownloadOptions& download);

}  // namespace lanspread::cli
