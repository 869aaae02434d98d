#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lanspread::cli {

// Options every subcommand understands (DESIGN.md section 8).
struct GlobalOptions {
  std::filesystem::path games;     // empty: the remembered folder, else the default
  std::filesystem::path state;     // empty: $XDG_STATE_HOME/lanspread
  std::uint16_t port = 0;          // QUIC port; 0 picks a free one
  std::vector<std::string> peers;  // --peer HOST:PORT, repeatable
  std::string log_level = "info";
  bool json = false;
};

std::filesystem::path default_state_dir();
std::filesystem::path default_game_dir();

// --games, else the folder remembered in the state directory, else the
// default folder.
std::filesystem::path resolve_game_dir(const GlobalOptions& options,
                                       const std::filesystem::path& state_dir);
std::filesystem::path resolve_state_dir(const GlobalOptions& options);

}  // namespace lanspread::cli
