#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "peer/install/recovery.hpp"
#include "peer/library/local_game.hpp"
#include "peer/peers/library_game.hpp"
#include "peer/runtime/active_operations.hpp"
#include "peer/runtime/rate_limits.hpp"
#include "proto/file_description.hpp"
#include "proto/game.hpp"

// Everything the runtime reports. Every failure carries a human-readable
// reason; a cancelled download has its own outcome and never reports Failed.
namespace lanspread::peer::event {

// The local library changed (emitted separately from operation snapshots).
struct LocalLibraryChanged {
  std::vector<LocalGame> games;
};

// The merged view: titles peers offer and titles only this machine holds.
struct AggregatedLibraryChanged {
  std::vector<LibraryGame> games;
};

struct GotGameFiles {
  std::string game_id;
  std::vector<proto::GameFileDescription> files;
};
struct NoPeersHaveGame {
  std::string game_id;
};

struct DownloadGameFilesBegin {
  std::string game_id;
};
struct DownloadGameFilesProgress {
  std::string game_id;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::uint64_t bytes_per_second = 0;
  std::size_t peers_streaming = 0;
};
struct DownloadGameFilesFinished {
  std::string game_id;
};
struct DownloadGameFilesFailed {
  std::string game_id;
  std::string reason;
};
struct DownloadGameFilesCancelled {
  std::string game_id;
};

struct InstallGameBegin {
  std::string game_id;
};
struct InstallGameFinished {
  std::string game_id;
};
struct InstallGameFailed {
  std::string game_id;
  std::string reason;
};
// At most a few per second while archives are unpacked; bytes count archive
// bytes read plus loose bytes copied, of the whole payload.
struct InstallGameProgress {
  std::string game_id;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
};
struct UninstallGameBegin {
  std::string game_id;
};
struct UninstallGameFinished {
  std::string game_id;
};
struct UninstallGameFailed {
  std::string game_id;
  std::string reason;
};
// Startup recovery settled a transaction a crash or power cut interrupted
// (one per game it touched, after start).
struct InstallTransactionRecovered {
  std::string game_id;
  std::optional<install::Operation> operation;  // empty: leftovers without an intent
  install::RecoveryAction::Outcome outcome = install::RecoveryAction::Outcome::Completed;
  std::string description;  // what was found and done, in words
};

struct PeerDiscovered {
  std::string peer_id;
  std::string address;
  std::string name;  // what the peer calls itself (its host name); may be empty
};
struct PeerLost {
  std::string peer_id;
};
struct PeerCount {
  std::size_t count = 0;
};

struct ActiveOperationsChanged {
  ActiveOperations operations;
};

// The peer is up: peers reach it on this UDP port; its id is its key's
// fingerprint.
struct Listening {
  std::uint16_t port = 0;
  std::string peer_id;
};

struct GameDirChanged {
  std::filesystem::path path;
};

// The bandwidth limits in force (at start and after each change).
struct RateLimitsChanged {
  RateLimits limits;
};

// A command that could not be carried out (bad argument, not available yet).
struct CommandFailed {
  std::string command;
  std::string game_id;  // empty when the command names no game
  std::string reason;
};

// Something went wrong in the runtime itself, outside any one command.
struct RuntimeFailure {
  std::string reason;
};

// A peer went by `name` with another key before (known_peers.json): a
// reinstall, a lost state folder, another machine with the same name, or
// someone posing as it.
struct PeerIdentityChanged {
  std::string name;
  std::string old_peer_id;
  std::string new_peer_id;
};

// A peer failed the party passphrase check, or refused ours; reported once
// per peer and reason until it passes or the passphrase changes.
struct PeerAuthenticationFailed {
  std::string peer_id;
  std::string reason;  // starts with "wrong or missing passphrase"
};

// The party passphrase was set or cleared (SetPassphrase). Never carries it.
struct PassphraseChanged {
  bool set = false;
};

}  // namespace lanspread::peer::event

namespace lanspread::peer {

using PeerEvent = std::variant<
    event::LocalLibraryChanged, event::AggregatedLibraryChanged, event::GotGameFiles,
    event::NoPeersHaveGame, event::DownloadGameFilesBegin, event::DownloadGameFilesProgress,
    event::DownloadGameFilesFinished, event::DownloadGameFilesFailed,
    event::DownloadGameFilesCancelled, event::InstallGameBegin, event::InstallGameFinished,
    event::InstallGameFailed, event::UninstallGameBegin, event::UninstallGameFinished,
    event::UninstallGameFailed, event::PeerDiscovered, event::PeerLost, event::PeerCount,
    event::ActiveOperationsChanged, event::Listening, event::GameDirChanged,
    event::RateLimitsChanged, event::CommandFailed, event::RuntimeFailure,
    event::InstallGameProgress, event::InstallTransactionRecovered, event::PeerIdentityChanged,
    event::PeerAuthenticationFailed, event::PassphraseChanged>;

// The event's name as the UI and the --json output spell it, e.g.
// "download-game-files-failed".
std::string_view event_name(const PeerEvent& event);

}  // namespace lanspread::peer
