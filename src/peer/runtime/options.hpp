#pragma once

#include <chrono>
#include <filesystem>

namespace lanspread::peer {

struct PeerOptions {
  // Launcher-owned metadata: settings, library index, install intents.
  std::filesystem::path state_dir;
  // Full rescans catch what the watcher missed (network shares, overflow).
  std::chrono::milliseconds fallback_scan_interval = std::chrono::seconds(300);
  // Bursts of file-system events on one game are folded into one rescan.
  std::chrono::milliseconds rescan_delay = std::chrono::milliseconds(150);
};

}  // namespace lanspread::peer
