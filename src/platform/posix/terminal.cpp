#include "platform/terminal.hpp"

#include <unistd.h>

namespace lanspread::platform {

bool stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) != 0;
}

void prepare_console() {}

}  // namespace lanspread::platform
