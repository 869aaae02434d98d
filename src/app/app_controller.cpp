#include "app/app_controller.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "base/utf8_path.hpp"
#include "peer/install/unpacker.hpp"
#include "peer/library/game_dir_check.hpp"
#include "peer/runtime/settings.hpp"
#include "peer/services/peer_address.hpp"
#include "platform/user_folders.hpp"

namespace lanspread::app {
namespace fs = std::filesystem;
namespace {

using namespace std::chrono_literals;

// How often the dispatcher looks at the stop flag while no event arrives.
constexpr auto kDispatchPoll = 100ms;

CommandResult refused(int status, std::string error) {
  return CommandResult{.status = status, .error = std::move(error)};
}

// "~/Games" means the user's home; everything else must be absolute, since
// the app's working directory means nothing to the person typing.
std::optional<fs::path> user_path(const std::string& text) {
  if (text.starts_with("~/") || text == "~") {
    const auto home = platform::user_folders().home;
    if (!home)
      return std::nullopt;
    return *home / path_from_utf8(text.substr(std::min<std::size_t>(2, text.size())));
  }
  auto path = path_from_utf8(text);
  if (!path.is_absolute())
    return std::nullopt;
  return path;
}

}  // namespace

AppController::AppController(Options options, peer::Catalog catalog,
                             std::shared_ptr<peer::install::Unpacker> unpacker)
    : options_(std::move(options)),
      catalog_(catalog),
      unpacker_(std::move(unpacker)),
      state_(std::move(catalog)) {
  passphrase_set_ =
      options_.party_key.has_value() || peer::load_settings(options_.state_dir).party_key;
  dispatcher_ = std::thread([this] { dispatch_events(); });
}

AppController::~AppController() {
  stop();
}

void AppController::start(const fs::path& game_dir) {
  const std::scoped_lock lock(runtime_mutex_);
  if (const auto started = start_runtime(game_dir, false); !started) {
    spdlog::warn("game folder {} cannot be used ({}); choose one in the UI", utf8_of(game_dir),
                 started.error().message);
    state_.set_game_dir(game_dir, started.error().message);
  }
}

Result<void> AppController::start_runtime(const fs::path& game_dir, bool remember_game_dir) {
  if (auto usable = peer::check_game_dir(game_dir); !usable)
    return usable;
  auto options = options_;
  options.remember_game_dir = remember_game_dir;
  try {
    runtime_.emplace(peer::start_peer(game_dir, events_.sink(), peer::PeerGameDB{}, unpacker_,
                                      catalog_, std::move(options)));
  } catch (const std::exception& e) {  // start_peer constructs the runtime
    return Error{e.what()};
  }
  state_.set_game_dir(fs::absolute(game_dir).lexically_normal(), std::nullopt);
  state_.set_runtime_running(true);
  return {};
}

void AppController::stop() {
  if (stopping_.exchange(true))
    return;
  {
    const std::scoped_lock lock(runtime_mutex_);
    if (runtime_)
      runtime_->shutdown();
  }
  dispatcher_.join();
  state_.set_runtime_running(false);
  hub_.close();
}

void AppController::dispatch_events() {
  // The runtime's thread only queues; everything else happens here, so a
  // slow consumer never stalls the runtime and forwarding a command from an
  // event cannot deadlock with shutdown.
  for (;;) {
    auto event = events_.pop(kDispatchPoll);
    if (!event) {
      if (stopping_)
        return;
      continue;
    }
    if (const auto* files = std::get_if<peer::event::GotGameFiles>(&*event))
      forward_files(*files);
    if (const auto* passphrase = std::get_if<peer::event::PassphraseChanged>(&*event))
      passphrase_set_ = passphrase->set;
    if (const auto* none = std::get_if<peer::event::NoPeersHaveGame>(&*event)) {
      const std::scoped_lock lock(pending_mutex_);
      pending_downloads_.erase(none->game_id);
    }
    const std::scoped_lock lock(publish_mutex_);
    for (const auto& ui_event : state_.apply(*event))
      hub_.publish(ui_event.dump());
  }
}

void AppController::forward_files(const peer::event::GotGameFiles& files) {
  {
    const std::scoped_lock lock(pending_mutex_);
    if (pending_downloads_.erase(files.game_id) == 0)
      return;
  }
  // The UI asked for a download: take every file the peers offer, as the
  // original's UI does.
  const std::scoped_lock lock(runtime_mutex_);
  if (runtime_ && !stopping_)
    runtime_->send(peer::command::DownloadGameFiles{files.game_id, files.files});
}

nlohmann::json AppController::snapshot() const {
  auto state = state_.snapshot();
  state["passphrase"] = passphrase_set_ ? "set" : "not set";
  return state;
}

std::shared_ptr<EventHub::Subscription> AppController::subscribe() {
  const std::scoped_lock lock(publish_mutex_);
  nlohmann::json first = {{"event", "snapshot"}, {"state", snapshot()}};
  return hub_.subscribe(first.dump());
}

void AppController::publish(const nlohmann::json& event) {
  const std::scoped_lock lock(publish_mutex_);
  hub_.publish(event.dump());
}

CommandResult AppController::check_game(const std::string& game_id, bool must_be_idle) const {
  if (!state_.is_catalog_game(game_id))
    return refused(404, fmt::format("'{}' is not a game in the catalog", game_id));
  if (must_be_idle) {
    if (const auto kind = state_.operation(game_id)) {
      return refused(409, fmt::format("{} is busy ({})", game_id, peer::to_string(*kind)));
    }
  }
  return {};
}

CommandResult AppController::send(peer::PeerCommand command) {
  const std::scoped_lock lock(runtime_mutex_);
  if (!runtime_)
    return refused(503, "no game folder is set yet: choose one first");
  if (stopping_ || !runtime_->send(std::move(command)))
    return refused(503, "the peer is shutting down");
  return {};
}

CommandResult AppController::refresh_games() {
  if (auto result = send(peer::command::ListGames{}); !result.ok())
    return result;
  return send(peer::command::GetPeerCount{});
}

CommandResult AppController::request_files(const std::string& game_id) {
  if (auto check = check_game(game_id, false); !check.ok())
    return check;
  return send(peer::command::GetGame{game_id});
}

CommandResult AppController::download(const std::string& game_id) {
  if (auto check = check_game(game_id, true); !check.ok())
    return check;
  {
    const std::scoped_lock lock(pending_mutex_);
    pending_downloads_.insert(game_id);
  }
  auto result = send(peer::command::GetGame{game_id});
  if (!result.ok()) {
    const std::scoped_lock lock(pending_mutex_);
    pending_downloads_.erase(game_id);
  }
  return result;
}

CommandResult AppController::update(const std::string& game_id) {
  if (auto check = check_game(game_id, true); !check.ok())
    return check;
  {
    const std::scoped_lock lock(pending_mutex_);
    pending_downloads_.insert(game_id);
  }
  auto result = send(peer::command::FetchLatestFromPeers{game_id});
  if (!result.ok()) {
    const std::scoped_lock lock(pending_mutex_);
    pending_downloads_.erase(game_id);
  }
  return result;
}

CommandResult AppController::cancel_download(const std::string& game_id) {
  if (auto check = check_game(game_id, false); !check.ok())
    return check;
  {
    const std::scoped_lock lock(pending_mutex_);
    pending_downloads_.erase(game_id);
  }
  return send(peer::command::CancelDownload{game_id});
}

CommandResult AppController::install(const std::string& game_id) {
  if (auto check = check_game(game_id, true); !check.ok())
    return check;
  return send(peer::command::InstallGame{game_id});
}

CommandResult AppController::uninstall(const std::string& game_id) {
  if (auto check = check_game(game_id, true); !check.ok())
    return check;
  return send(peer::command::UninstallGame{game_id});
}

CommandResult AppController::remove_download(const std::string& game_id) {
  if (auto check = check_game(game_id, true); !check.ok())
    return check;
  return send(peer::command::RemoveDownloadedGame{game_id});
}

CommandResult AppController::dismiss_failure(const std::string& game_id) {
  const std::scoped_lock lock(publish_mutex_);
  if (auto event = state_.dismiss_failure(game_id))
    hub_.publish(event->dump());
  if (auto event = state_.dismiss_recovery(game_id))
    hub_.publish(event->dump());
  return CommandResult{.status = 200};
}

CommandResult AppController::set_game_dir(const std::string& text) {
  const auto path = user_path(text);
  if (!path)
    return refused(400, "Give the folder's full path, e.g. /home/you/Games or ~/Games");
  if (auto usable = peer::check_game_dir(*path); !usable)
    return refused(400, usable.error().message);
  const auto folder = fs::absolute(*path).lexically_normal();
  std::unique_lock lock(runtime_mutex_);
  if (runtime_) {
    lock.unlock();
    // The runtime checks again, remembers the folder and reports
    // game-dir-changed (or command-failed).
    return send(peer::command::SetGameDir{folder});
  }
  // Remembered by the runtime (settings.json's only writer) as it starts, so
  // a folder it could not start on is not offered again at the next start.
  // When remembering fails, command-failed says why; the folder is still
  // used for this run.
  if (auto started = start_runtime(folder, true); !started)
    return refused(400, started.error().message);
  lock.unlock();
  publish({{"event", "game-dir-changed"}, {"path", utf8_of(folder)}});
  return CommandResult{.status = 200};
}

CommandResult AppController::add_peer(const std::string& address) {
  if (!peer::parse_peer_address(address))
    return refused(400, fmt::format("'{}' is not HOST:PORT (e.g. 192.168.1.20:40000)", address));
  return send(peer::command::AddPeer{address});
}

CommandResult AppController::set_rate_limits(const peer::RateLimits& limits) {
  if (!(limits.upload_mbit >= 0) || !(limits.download_mbit >= 0))
    return refused(400, "a limit is a number of Mbit/s, 0 for none");
  return send(peer::command::SetRateLimits{limits});
}

CommandResult AppController::set_passphrase(const std::optional<std::string>& passphrase) {
  if (passphrase && passphrase->empty())
    return refused(400, "The passphrase is empty: clear it instead");
  std::unique_lock lock(runtime_mutex_);
  if (runtime_) {
    lock.unlock();
    // The runtime derives the key, remembers it and reports passphrase-changed.
    return send(peer::command::SetPassphrase{passphrase});
  }
  // No runtime yet: the one the app starts uses this key and remembers it
  // (it alone writes settings.json).
  std::optional<peer::PartyKey> key;
  if (passphrase) {
    auto derived = peer::PartyKey::derive(*passphrase);
    if (!derived)
      return refused(500, derived.error().message);
    key = *derived;
  }
  options_.party_key = key;
  options_.remember_party_key = true;
  lock.unlock();
  passphrase_set_ = passphrase.has_value();
  publish({{"event", "passphrase-changed"}, {"set", passphrase.has_value()}});
  return CommandResult{.status = 200};
}

}  // namespace lanspread::app
