#pragma once

namespace lanspread::platform {

// Whether stderr is a terminal a progress bar can redraw with '\r' (isatty;
// on Windows a console, GetConsoleMode).
bool stderr_is_terminal();

// Makes the console show the program's UTF-8 output as it is. Windows: the
// console's output code page becomes UTF-8 (it is the OEM code page by
// default); POSIX: nothing to do.
void prepare_console();

}  // namespace lanspread::platform
