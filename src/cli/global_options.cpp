#include "cli/global_options.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "base/utf8_path.hpp"
#include "peer/runtime/settings.hpp"
#include "platform/user_folders.hpp"

namespace lanspread::cli {
namespace fs = std::filesystem;
namespace {

// The passphrase the user gave this run, if any.
Result<std::optional<std::string>> passphrase(const GlobalOptions& options) {
  if (!options.passphrase_file.empty()) {
    std::ifstream in(options.passphrase_file, std::ios::binary);
    if (!in)
      return Error{"cannot read the passphrase file " + utf8_of(options.passphrase_file)};
    std::ostringstream text;
    text << in.rdbuf();
    auto first_line = peer::passphrase_from_file_text(text.str());
    if (first_line.empty())
      return Error{"the passphrase file " + utf8_of(options.passphrase_file) + " is empty"};
    return std::optional(std::move(first_line));
  }
  if (auto value = platform::environment_variable("LANSPREAD_PASSPHRASE"); value && !value->empty())
    return value;
  return std::optional<std::string>();
}

}  // namespace

fs::path default_state_dir() {
  return platform::user_folders().state;
}

fs::path default_game_dir() {
  return platform::user_folders().games;
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

Result<peer::PeerOptions> peer_options(const GlobalOptions& options, const fs::path& state_dir) {
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
  const auto secret = passphrase(options);
  if (!secret)
    return secret.error();
  if (*secret) {
    auto key = peer::PartyKey::derive(**secret);
    if (!key)
      return key.error();
    result.party_key = *key;
  }
  return result;
}

Result<peer::Catalog> load_catalog(const fs::path& state_dir) {
  auto catalog = peer::Catalog::load(state_dir);
  if (!catalog)
    return Error{"bad catalog: " + catalog.error().message};
  return catalog;
}

int fail(const Error& error) {
  std::cerr << "lanspread: " << error << '\n';
  return 1;
}

}  // namespace lanspread::cli
