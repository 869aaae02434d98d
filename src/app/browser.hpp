#pragma once

#include <filesystem>
#include <string>

namespace lanspread::app {

// Opens the UI in the user's browser (xdg-open; Windows: the program .html
// files open with). The URL holds the access token, and a program's
// arguments are visible to every user of the machine, so the browser gets a
// file readable only by this user (`<state_dir>/open-ui.html`) that forwards
// it to the URL. Returns false (and logs) when no browser could be started.
bool open_in_browser(const std::string& url, const std::filesystem::path& state_dir);

}  // namespace lanspread::app
