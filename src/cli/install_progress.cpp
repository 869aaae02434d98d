#include "cli/install_progress.hpp"

#include <fmt/format.h>

#include <iostream>

#include "cli/human_format.hpp"

namespace lanspread::cli {

void draw_install_progress(std::string_view game_id, std::uint64_t bytes_done,
                           std::uint64_t bytes_total) {
  constexpr int kBarWidth = 30;
  const double fraction =
      bytes_total == 0 ? 1.0 : static_cast<double>(bytes_done) / static_cast<double>(bytes_total);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::cerr << fmt::format("\rinstalling {} [{:#<{}}{:.<{}}] {:5.1f}%  {} of {}   ", game_id, "",
                           filled, "", kBarWidth - filled, fraction * 100, human_size(bytes_done),
                           human_size(bytes_total))
            << std::flush;
}

}  // namespace lanspread::cli
