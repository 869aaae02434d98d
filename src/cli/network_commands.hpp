#pragma once

#include <chrono>

#include "cli/global_options.hpp"

namespace lanspread::cli {

// `lanspread list` and `lanspread peers`: a short-lived peer that listens for
// `wait`, then prints the games on the network (with versions and how many
// peers offer them) or the peers it found. It runs with a throwaway identity
// and an empty game folder, so it never disturbs a peer already running
// with the user's state; peers given by address (--peer and the settings)
// are dialled as usual.
int run_list(const GlobalOptions& options, std::chrono::milliseconds wait);
int run_peers(const GlobalOptions& options, std::chrono::milliseconds wait);

}  // namespace lanspread::cli
