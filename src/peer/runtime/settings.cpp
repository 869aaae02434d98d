#include "peer/runtime/settings.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "peer/disk/atomic_file.hpp"

namespace lanspread::peer {
namespace {
constexpr const char* kSettingsFile = "settings.json";
}

Settings load_settings(const std::filesystem::path& state_dir) {
  Settings settings;
  std::ifstream in(state_dir / kSettingsFile, std::ios::binary);
  if (!in)
    return settings;
  try {
    const auto document = nlohmann::json::parse(in);
    if (const auto it = document.find("game_dir"); it != document.end() && it->is_string()) {
      settings.game_dir = it->get<std::string>();
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
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("ignoring unreadable settings {}: {}", (state_dir / kSettingsFile).string(),
                 e.what());
  }
  return settings;
}

std::optional<std::string> save_settings(const std::filesystem::path& state_dir,
                                         const Settings& settings) {
  const nlohmann::json document = {{"game_dir", settings.game_dir.string()},
                                   {"peers", settings.peers},
                                   {"upload_limit_mbit", settings.rate_limits.upload_mbit},
                                   {"download_limit_mbit", settings.rate_limits.download_mbit}};
  return write_file_atomically(
      state_dir / kSettingsFile,
      document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace lanspread::peer
