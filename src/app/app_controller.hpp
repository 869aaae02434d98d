#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/app_state.hpp"
#include "app/event_hub.hpp"
#include "base/result.hpp"
#include "peer/catalog/catalog.hpp"
#include "peer/runtime/event_queue.hpp"
#include "peer/runtime/options.hpp"
#include "peer/runtime/peer_runtime.hpp"

namespace lanspread::peer::install {
class Unpacker;
}

namespace lanspread::app {

// What became of a UI action. The outcome of an accepted command arrives
// later as events; `status` is the HTTP status the API answers with.
struct CommandResult {
  int status = 202;   // 200 done, 202 accepted, 4xx/5xx refused (see docs/app.md)
  std::string error;  // why it was refused, in words
  bool ok() const { return status < 400; }
};

// The app's side of the runtime, as the Tauri state is in the original: it
// owns the runtime (started once a usable game folder is known), turns UI
// actions into commands, folds events into AppState and fans them out to the
// UI's event streams.
class AppController {
 public:
  // How the embedded runtime runs (state directory, port, peers by address,
  // mDNS); the game folder is chosen separately.
  using Options = peer::PeerOptions;

  AppController(Options options, peer::Catalog catalog,
                std::shared_ptr<peer::install::Unpacker> unpacker);
  ~AppController();
  AppController(const AppController&) = delete;
  AppController& operator=(const AppController&) = delete;

  // Starts the runtime on `game_dir`, or, when that folder cannot be used,
  // records why and waits for the user to choose one (set_game_dir).
  void start(const std::filesystem::path& game_dir);
  // Shuts the runtime down and ends every event stream. Idempotent.
  void stop();

  // Asks the runtime for the merged library and the peer count again; they
  // arrive as games-list-updated and peer-count.
  CommandResult refresh_games();
  CommandResult request_files(const std::string& game_id);
  CommandResult download(const std::string& game_id);
  CommandResult update(const std::string& game_id);
  CommandResult cancel_download(const std::string& game_id);
  CommandResult install(const std::string& game_id);
  CommandResult uninstall(const std::string& game_id);
  CommandResult remove_download(const std::string& game_id);
  CommandResult dismiss_failure(const std::string& game_id);
  CommandResult set_game_dir(const std::string& path);
  CommandResult add_peer(const std::string& address);
  CommandResult set_rate_limits(const peer::RateLimits& limits);
  // Sets the party passphrase (nullopt clears it). It is never echoed back:
  // the snapshot says only whether one is set ("passphrase": "set").
  CommandResult set_passphrase(const std::optional<std::string>& passphrase);

  nlohmann::json snapshot() const;
  // A stream of UI events that starts with a "snapshot" event, so nothing
  // published between the snapshot and the subscription is lost.
  std::shared_ptr<EventHub::Subscription> subscribe();
  // Publishes an event of the app's own (not the runtime's).
  void publish(const nlohmann::json& event);

 private:
  CommandResult check_game(const std::string& game_id, bool must_be_idle) const;
  CommandResult send(peer::PeerCommand command);
  // Fails when the runtime cannot run on `game_dir`; with
  // `remember_game_dir` the runtime stores it in settings.json as it starts.
  // Call with runtime_mutex_ held.
  Result<void> start_runtime(const std::filesystem::path& game_dir, bool remember_game_dir);
  void dispatch_events();
  void forward_files(const peer::event::GotGameFiles& files);

  Options options_;  // after construction, under runtime_mutex_
  peer::Catalog catalog_;
  std::shared_ptr<peer::install::Unpacker> unpacker_;
  AppState state_;
  EventHub hub_;
  peer::EventQueue events_;
  std::mutex publish_mutex_;  // orders state changes, publishes and new subscriptions

  mutable std::mutex runtime_mutex_;
  std::optional<peer::PeerRuntimeHandle> runtime_;

  std::mutex pending_mutex_;
  std::set<std::string> pending_downloads_;  // games whose file list is awaited to download

  std::atomic<bool> passphrase_set_ = false;
  std::atomic<bool> stopping_ = false;
  std::thread dispatcher_;
};

}  // namespace lanspread::app
