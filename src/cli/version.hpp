#pragma once

#include <string>

namespace lanspread::cli {

// What `lanspread --version` prints: the program's version and commit, then
// the run-time versions of the libraries a bug report needs (they may differ
// from the headers it was built with).
std::string version_text();

}  // namespace lanspread::cli
