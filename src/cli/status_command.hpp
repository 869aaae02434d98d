#pragma once

#include "cli/global_options.hpp"

namespace lanspread::cli {

// `lanspread status`: prints the local library. Returns the exit code.
int run_status(const GlobalOptions& options);

}  // namespace lanspread::cli
