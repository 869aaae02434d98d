#pragma once

#include <string>
#include <vector>

namespace lanspread::platform::win {

// A wide command line split as CommandLineToArgvW splits it, each argument
// in UTF-8. Empty when it cannot be split.
std::vector<std::string> utf8_arguments_of(const wchar_t* command_line);

}  // namespace lanspread::platform::win
