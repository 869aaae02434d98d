#include "cli/global_options.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "peer/runtime/settings.hpp"

namespace lanspread::cli {
namespace fs = std::filesystem;
namespace {

fs::path xdg_dir(const char* variable, const char* fallback_under_home) {
  if (const char* value = std::getenv(variable); value != nullptr && *value == '/')
    return value;
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / fallback_under_home;
}

std::optional<std::string> passphrase(const GlobalOptions& options) {
  if (!options.passphrase_file.empty()) {
    std::ifstream in(options.passphrase_file, std::ios::binary);
    if (!in)
      throw std::runtime_error("cannot read the passphrase file " +
                               options.passphrase_file.string());
    std::ostringstream text;
    text << in.rdbuf();
    auto first_line = peer::passphrase_from_file_text(text.str());
    if (first_line.empty())
      throw std::runtime_error("the passphrase file " + options.passphrase_file.string() +
                               " is empty");
    return first_line;
  }
  if (const char* value = std::getenv("LANSPREAD_PASSPHRASE"); value != nullptr && *value != '\0')
    return std::string(value);
  return std::nullopt;
}

}  // namespace

fs::path default_state_dir() {
  return xdg_dir("XDG_STATE_HOME", ".local/state") / "lanspread";
}

fs::path default_game_dir() {
  return xdg_dir("XDG_DATA_HOME", ".local/share") / "lanspread" / "games";
}

fs::path resolve_state_dir(const GlobalOptions& options) {
  return options.state.empty() ? default_state_dir() : options.state;
}

fs::path resolve_game_dir(const GlobalOptions& options, const fs::path& state_dir) {
  if (!options.games.empty())
    return options.games;
  if (auto remembered = peer::load_settings(state_dir).game_dir; !remembered.empty()) {
    return remembered;
  }
  return default_game_dir();
}

peer::PeerOptions peer_options(const GlobalOptions& options, const fs::path& state_dir) {
  peer::PeerOptions result{.state_dir = state_dir,
                           .listen = {asio::ip::address_v4::any(), options.port},
                           .peers = options.peers,
                           .congestion_control = options.congestion_control};
  if (options.no_mdns)
    result.mdns.reset();
  if (options.upload_limit_mbit || options.download_limit_mbit) {
    const auto remembered = peer::load_settings(state_dir).rate_limits;
    result.rate_limits = peer::RateLimits{
        .upload_mbit = options.upload_limit_mbit.value_or(remembered.upload_mbit),
        .download_mbit = options.download_limit_mbit.value_or(remembered.download_mbit)};
  }
  if (const auto secret = passphrase(options))
    result.party_key = peer::PartyKey::derive(*secret);
  return result;
}

}  // namespace lanspread::cli
