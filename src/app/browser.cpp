#include "app/browser.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/utf8_path.hpp"
#include "platform/browser.hpp"
#include "platform/private_file.hpp"

namespace lanspread::app {
namespace fs = std::filesystem;

bool open_in_browser(const std::string& url, const fs::path& state_dir) {
  const auto launcher = state_dir / "open-ui.html";
  const auto page = fmt::format(
      "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; "
      "url={0}\"><title>Lanspread</title><a href=\"{0}\">Open Lanspread</a>\n",
      url);
  if (auto written = platform::write_private_file(launcher, page); !written) {
    spdlog::warn("cannot write {}: {}", utf8_of(launcher), written.error().message());
    return false;
  }
  if (auto opened = platform::open_in_browser(launcher); !opened) {
    spdlog::warn("cannot start the browser ({}); open the URL yourself", opened.error().message());
    return false;
  }
  return true;
}

}  // namespace lanspread::app
