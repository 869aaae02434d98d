#pragma once

#include <span>
#include <string_view>

namespace lanspread::app {

// One file of the built web UI, by its path under ui/dist ("index.html",
// "assets/index-f9Ldm9WU.css").
struct UiFile {
  std::string_view path;
  std::string_view bytes;
};

// The web UI built into this program: every file ui/dist held when it was
// built (cmake/embed_ui.cmake), none when there was no ui/dist then.
std::span<const UiFile> embedded_ui();

}  // namespace lanspread::app
