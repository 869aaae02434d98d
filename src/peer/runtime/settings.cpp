#include "peer/runtime/settings.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "platform/atomic_file.hpp"
#include "platform/private_file.hpp"

namespace lanspread::peer {
namespace {
constexpr const char* kSettingsFile = "settings.json";

Result<void> save_settings(const std::filesystem::path& state_dir, const Settings& settings) {
  nlohmann::json document = {{"game_dir", utf8_of(settings.game_dir)},
                             {"peers", settings.peers},
                             {"upload_limit_mbit", settings.rate_limits.upload_mbit},
                             {"download_limit_mbit", settings.rate_limits.download_mbit}};
  if (settings.party_key)
    document["party_key"] = settings.party_key->hex();
  return platform::write_file_atomically(
      state_dir / kSettingsFile,
      document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace

Settings load_settings(const std::filesystem::path& state_dir) {
  Settings settings;
  std::ifstream in(state_dir / kSettingsFile, std::ios::binary);
  if (!in)
    return settings;
  try {
    const auto document = nlohmann::json::parse(in);
    if (const auto it = document.find("game_dir"); it != document.end() && it->is_string()) {
      settings.game_dir = path_from_utf8(it->get<std::string>());
    }
    if (const auto it = document.find("peers"); it != document.end() && it->is_array()) {
      for (const auto& peer : *it) {
        if (peer.is_string())
          settings.peers.push_back(peer.get<std::string>());
      }
    }
    const auto limit = [&document](const char* key) {
      const auto it = document.find(key);
      return it != document.end() && it->is_number() && it->get<double>() > 0 ? it->get<double>()
                                                                              : 0.0;
    };
    settings.rate_limits = {.upload_mbit = limit("upload_limit_mbit"),
                            .download_mbit = limit("download_limit_mbit")};
    if (const auto it = document.find("party_key"); it != document.end() && it->is_string()) {
      settings.party_key = PartyKey::from_hex(it->get<std::string>());
      if (!settings.party_key)
        spdlog::warn("ignoring the malformed party_key in {}", utf8_of(state_dir / kSettingsFile));
    }
  } catch (const std::exception& e) {  // bad JSON, or a read error (EISDIR, EIO)
    spdlog::warn("ignoring unreadable settings {}: {}", utf8_of(state_dir / kSettingsFile),
                 e.what());
  }
  if (settings.party_key && platform::others_may_read(state_dir / kSettingsFile)) {
    spdlog::warn("{} holds the party key but others may read it: chmod 600 it",
                 utf8_of(state_dir / kSettingsFile));
  }
  return settings;
}

Result<void> update_settings(const std::filesystem::path& state_dir,
                             const std::function<void(Settings&)>& change) {
  auto settings = load_settings(state_dir);
  change(settings);
  return save_settings(state_dir, settings);
}

}  // namespace lanspread::peer
