#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "peer/runtime/rate_limits.hpp"
#include "proto/file_description.hpp"

// What the UI layer asks the runtime to do. Commands flow in; everything the
// runtime has to say flows back as events (events.hpp). `kName` is how a
// CommandFailed names the command it refuses.
namespace lanspread::peer::command {

struct ListGames {};
struct GetGame {
  static constexpr std::string_view kName = "get-game";
  std::string game_id;
};
// An update: asks peers for their manifests, ignoring local archives.
struct FetchLatestFromPeers {
  static constexpr std::string_view kName = "fetch-latest-from-peers";
  std::string game_id;
};
// Downloads the files of the game's latest version (all of them when
// `files` is empty); integrity data always comes from the peers' agreed
// manifest, never from the command. Installs afterwards unless told not to.
struct DownloadGameFiles {
  static constexpr std::string_view kName = "download-game-files";
  std::string game_id;
  std::vector<proto::GameFileDescription> files;
  bool install = true;
};
struct InstallGame {
  static constexpr std::string_view kName = "install-game";
  std::string game_id;
};
struct UninstallGame {
  static constexpr std::string_view kName = "uninstall-game";
  std::string game_id;
};
struct RemoveDownloadedGame {
  static constexpr std::string_view kName = "remove-downloaded-game";
  std::string game_id;
};
struct CancelDownload {
  static constexpr std::string_view kName = "cancel-download";
  std::string game_id;
};
struct SetGameDir {
  static constexpr std::string_view kName = "set-game-dir";
  std::filesystem::path path;
};
struct GetPeerCount {};
// A peer reached by address ("host:port"), for networks that block
// multicast; remembered in the settings.
struct AddPeer {
  static constexpr std::string_view kName = "add-peer";
  std::string address;
};
// Bandwidth limits, applied at once and remembered in the settings.
struct SetRateLimits {
  static constexpr std::string_view kName = "set-rate-limits";
  RateLimits limits;
};

// Sets the party passphrase (nullopt: none): its key is remembered in the
// settings and every peer is checked again. Answered by PassphraseChanged.
struct SetPassphrase {
  static constexpr std::string_view kName = "set-passphrase";
  std::optional<std::string> passphrase;
};

}  // namespace lanspread::peer::command

namespace lanspread::peer {

using PeerCommand =
    std::variant<command::ListGames, command::GetGame, command::FetchLatestFromPeers,
                 command::DownloadGameFiles, command::InstallGame, command::UninstallGame,
                 command::RemoveDownloadedGame, command::CancelDownload, command::SetGameDir,
                 command::GetPeerCount, command::AddPeer, command::SetRateLimits,
                 command::SetPassphrase>;

}  // namespace lanspread::peer
