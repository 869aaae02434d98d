#pragma once

#include <string>

namespace lanspread::cli {

// What `lanspread --version` prints: the program's version and commit, the
// run-time versions of the libraries a bug report needs (they may differ
// from the headers it was built with), and whether the web UI is built in.
std::string version_text();

}  // namespace lanspread::cli
