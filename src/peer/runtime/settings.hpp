#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "peer/runtime/rate_limits.hpp"
#include "peer/services/party_proof.hpp"

namespace lanspread::peer {

// Choices the user made that outlive a run (<state_dir>/settings.json).
struct Settings {
  std::filesystem::path game_dir;  // empty until chosen
  std::vector<std::string> peers;  // peers added by address ("host:port")
  RateLimits rate_limits;
  // The party passphrase's key (never the passphrase itself); the file is
  // written with mode 0600.
  std::optional<PartyKey> party_key;
};

// Missing or unreadable settings give defaults; a broken file is logged.
Settings load_settings(const std::filesystem::path& state_dir);

// Reads the settings, applies `change` and replaces the file atomically (with
// fsync). When they cannot be written the file is unchanged. The runtime is
// the file's only writer and calls this on its disk thread only, one change
// at a time (docs/decisions.md, Runtime).
Result<void> update_settings(const std::filesystem::path& state_dir,
                             const std::function<void(Settings&)>& change);

}  // namespace lanspread::peer
