#pragma once

#include "cli/global_options.hpp"

namespace lanspread::cli {

// `lanspread serve`: a headless peer sharing its game folder until SIGINT or
// SIGTERM. Returns the process exit code.
int run_serve(const GlobalOptions& options);

}  // namespace lanspread::cli
