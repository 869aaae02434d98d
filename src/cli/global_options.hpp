#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/runtime/options.hpp"

namespace lanspread::cli {

// Options every subcommand understands (docs/cli.md).
struct GlobalOptions {
  std::filesystem::path games;     // empty: the remembered folder, else the default
  std::filesystem::path state;     // empty: the default (platform/user_folders.hpp)
  std::uint16_t port = 0;          // QUIC port; 0 picks a free one
  std::vector<std::string> peers;  // --peer HOST:PORT, repeatable
  bool no_mdns = false;            // --no-mdns: no discovery on the local network
  // --upload-limit / --download-limit in Mbit/s for this run (0: none);
  // unset: the limits remembered in the settings.
  std::optional<double> upload_limit_mbit;
  std::optional<double> download_limit_mbit;
  // --passphrase-file: the party passphrase is its first line (never on the
  // command line, where every local user could read it).
  std::filesystem::path passphrase_file;
  transport::CongestionControl congestion_control = transport::CongestionControl::Bbr;
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

// The runtime options the global options ask for: state, port, peers by
// address, mDNS on or off, and the party passphrase's key from
// --passphrase-file, else $LANSPREAD_PASSPHRASE (unset: the runtime uses the
// one in settings.json). Refused when the passphrase file cannot be read or
// is empty.
Result<peer::PeerOptions> peer_options(const GlobalOptions& options,
                                       const std::filesystem::path& state_dir);

// The bundled catalog and the user's (docs/decisions.md, Catalog); a bad
// user catalog is refused with "bad catalog: FILE:LINE: why".
Result<peer::Catalog> load_catalog(const std::filesystem::path& state_dir);

// How a command ends when it cannot go on: "lanspread: <why>" on stderr,
// and the exit code 1.
int fail(const Error& error);

}  // namespace lanspread::cli
