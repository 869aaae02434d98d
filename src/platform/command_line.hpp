#pragma once

#include <string>
#include <vector>

namespace lanspread::platform {

// The program's arguments as UTF-8, its name first. POSIX: argv as given.
// Windows: main's argv is in the ANSI code page, which cannot hold most
// names (`--games "D:\Spiele für alle"` would arrive mangled), so the
// arguments come from the wide command line (GetCommandLineW,
// CommandLineToArgvW) instead.
std::vector<std::string> utf8_arguments(int argc, char** argv);

}  // namespace lanspread::platform
