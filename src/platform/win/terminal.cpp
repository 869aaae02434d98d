#include "platform/terminal.hpp"

#include <windows.h>

namespace lanspread::platform {

bool stderr_is_terminal() {
  DWORD mode = 0;
  // Fails on a pipe, a file, or without a console.
  return ::GetConsoleMode(::GetStdHandle(STD_ERROR_HANDLE), &mode) != 0;
}

void prepare_console() {
  ::SetConsoleOutputCP(CP_UTF8);
}

}  // namespace lanspread::platform
