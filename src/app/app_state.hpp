#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peer/catalog/catalog.hpp"
#include "peer/runtime/events.hpp"

namespace lanspread::app {

// What the UI shows, kept up to date from the runtime's events so a page
// (re)load gets everything at once. Thread-safe.
//
// Operation state comes from active-operation snapshots only; the other
// events never mark a game busy or idle.
class AppState {
 public:
  explicit AppState(peer::Catalog catalog);

  // Folds a runtime event in and returns the UI events it becomes (JSON
  // objects with an "event" name), in order; empty for events the UI does
  // not need.
  std::vector<nlohmann::json> apply(const peer::PeerEvent& event);

  // The game folder as the app knows it, and why the runtime is not running
  // on it (nullopt once it runs).
  void set_game_dir(const std::filesystem::path& path, std::optional<std::string> problem);
  std::filesystem::path game_dir() const;
  void set_runtime_running(bool running);

  // Forgets the failure shown for `game_id`; returns the UI event saying so,
  // or nullopt when there was none.
  std::optional<nlohmann::json> dismiss_failure(std::string_view game_id);
  // The same for the notice about an interrupted transaction recovery settled.
  std::optional<nlohmann::json> dismiss_recovery(std::string_view game_id);

  bool is_catalog_game(std::string_view game_id) const;
  std::optional<peer::OperationKind> operation(std::string_view game_id) const;

  // Everything at once: {games, operations, downloads, installs, failures,
  // recoveries, peers, peer_count, game_dir, game_dir_problem, runtime,
  // notices, rate_limits}.
  nlohmann::json snapshot() const;

 private:
  struct Failure {
    std::string operation;
    std::string reason;
  };

  void merge_local_library(const std::vector<peer::LocalGame>& games);
  nlohmann::json library_json() const;
  // The id a peer's name went by before it changed keys, or null.
  nlohmann::json previous_peer_id(const std::string& peer_id) const;
  nlohmann::json games_list_event() const;
  void record_failure(const std::string& game_id, std::string operation, std::string reason,
                      std::vector<nlohmann::json>& out);
  void add_notice(std::string text);

  peer::Catalog catalog_;
  mutable std::mutex mutex_;
  std::vector<peer::LibraryGame> library_;
  peer::ActiveOperations operations_;
  std::map<std::string, peer::event::DownloadGameFilesProgress, std::less<>> downloads_;
  std::map<std::string, Failure, std::less<>> failures_;
  std::map<std::string, peer::event::InstallGameProgress, std::less<>> installs_;
  // Until dismissed or the game's next operation begins.
  std::map<std::string, peer::event::InstallTransactionRecovered, std::less<>> recoveries_;
  std::map<std::string, std::string> peers_;             // peer id -> address
  std::map<std::string, std::string> peer_names_;        // peer id -> the name it gave
  std::map<std::string, std::string> identity_changes_;  // name -> the peer id it had before
  std::size_t peer_count_ = 0;
  std::filesystem::path game_dir_;
  std::optional<std::string> game_dir_problem_;
  bool runtime_running_ = false;
  std::uint16_t quic_port_ = 0;
  std::string peer_id_;
  std::deque<std::string> notices_;  // recent failures that name no game
  peer::RateLimits rate_limits_;
};

// The UI's name for a runtime event: "install-game-begin" becomes
// "game-install-begin", "download-game-files-progress" becomes
// "game-download-progress", and so on (docs/app.md lists them all).
std::string ui_event_name(std::string_view runtime_name);

}  // namespace lanspread::app
