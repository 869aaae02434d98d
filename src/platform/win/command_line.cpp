#include "platform/command_line.hpp"

#include <windows.h>
// After windows.h, which it needs.
#include <shellapi.h>

#include <filesystem>

#include "base/utf8_path.hpp"
#include "platform/win/command_line.hpp"

namespace lanspread::platform {

std::vector<std::string> win::utf8_arguments_of(const wchar_t* command_line) {
  int count = 0;
  wchar_t** wide = ::CommandLineToArgvW(command_line, &count);
  if (wide == nullptr)
    return {};
  std::vector<std::string> arguments;
  arguments.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    // A native (wide) path converts to UTF-8 exactly.
    arguments.push_back(utf8_of(std::filesystem::path(wide[i])));
  }
  ::LocalFree(static_cast<void*>(wide));
  return arguments;
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  auto arguments = win::utf8_arguments_of(::GetCommandLineW());
  if (arguments.empty())
    return {argv, argv + argc};  // out of memory: the ANSI ones are better than none
  return arguments;
}

}  // namespace lanspread::platform
