#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/global_options.hpp"

namespace lanspread::cli {

struct AppOptions {
  bool no_browser = false;
  std::uint16_t ui_port = 0;     // 0 picks a free one
  std::filesystem::path ui_dir;  // empty: the UI built into the program
};

// `lanspread app`: the peer plus the local web UI, until Ctrl-C, SIGTERM or
// the UI's quit button. Returns the process exit code.
int run_app(const GlobalOptions& options, const AppOptions& app_options);

}  // namespace lanspread::cli
