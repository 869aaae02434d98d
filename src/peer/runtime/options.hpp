#pragma once

#include <asio/ip/udp.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mdns/discovery.hpp"
#include "peer/runtime/rate_limits.hpp"
#include "peer/services/party_proof.hpp"
#include "peer/services/peer_links.hpp"
#include "transport/congestion_control.hpp"

namespace lanspread::peer {

struct PeerOptions {
  // Launcher-owned metadata: identity, settings, library index, install
  // intents. Required.
  std::filesystem::path state_dir;
  // Where peers reach us over QUIC; port 0 picks a free one.
  asio::ip::udp::endpoint listen{asio::ip::address_v4::any(), 0};
  // Full rescans catch what the watcher missed (network shares, overflow).
  std::chrono::milliseconds fallback_scan_interval = std::chrono::seconds(300);
  // Bursts of file-system events on one game are folded into one rescan.
  std::chrono::milliseconds rescan_delay = std::chrono::milliseconds(150);
  // Peers reached by address ("host:port"), besides those in the settings.
  std::vector<std::string> peers;
  // The QUIC sender's congestion controller (docs/decisions.md).
  transport::CongestionControl congestion_control = transport::CongestionControl::Bbr;
  LivenessOptions liveness;
  // How long a download whose sources all left waits for one to come back
  // before it fails (a seeder restarting its app, a cable replugged).
  std::chrono::milliseconds download_source_grace = std::chrono::seconds(10);
  // Limits for this run instead of the remembered ones (e.g. from the
  // command line); SetRateLimits still changes and remembers them.
  std::optional<RateLimits> rate_limits;
  // Discovery on the local network; nothing turns it off (peers by address
  // still work), e.g. where multicast is unwanted or in tests that must not
  // see each other.
  std::optional<mdns::Options> mdns = mdns::Options{};
  // How other peers see this one by name; empty: the host name.
  std::string name;
  // The party passphrase's key for this run (--passphrase-file,
  // LANSPREAD_PASSPHRASE); unset: the one stored in settings.json, if any.
  std::optional<PartyKey> party_key;
  // Choices the user made before this runtime ran (the app's UI, while no
  // game folder was usable), which the runtime remembers in settings.json
  // when it starts, as the file's only writer: the game folder it starts on,
  // and `party_key` (set or cleared) as the remembered key, not one for this
  // run only.
  bool remember_game_dir = false;
  bool remember_party_key = false;
  // Names and the fingerprints they went by (name -> peer id); empty:
  // <state_dir>/known_peers.json.
  std::filesystem::path known_peers_file;
};

}  // namespace lanspread::peer
