#include "app/app_state.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "base/utf8_path.hpp"
#include "peer/runtime/commands.hpp"
#include "peer/runtime/event_json.hpp"

namespace lanspread::app {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNotices = 20;

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// The runtime's event as the UI receives it: same fields, UI name.
json renamed(const peer::PeerEvent& event) {
  json result = peer::to_json(event);
  result["event"] = ui_event_name(result["event"].get<std::string>());
  return result;
}

// A refused game command's failure, named like its operation's own failures
// ("install-game" is refused as "install", as game-install-failed is).
std::string failed_operation(const std::string& command) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kOperations = {{
      {peer::command::DownloadGameFiles::kName, "download"},
      {peer::command::InstallGame::kName, "install"},
      {peer::command::UninstallGame::kName, "uninstall"},
  }};
  for (const auto& [name, operation] : kOperations) {
    if (name == command)
      return std::string(operation);
  }
  return command;
}

json recovery_dismissed(std::string_view game_id) {
  return {{"event", "recovery-dismissed"}, {"game_id", std::string(game_id)}};
}

}  // namespace

std::string ui_event_name(std::string_view runtime_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kNames = {{
      {"aggregated-library-changed", "games-list-updated"},
      {"local-library-changed", "games-list-updated"},
      {"got-game-files", "game-files"},
      {"no-peers-have-game", "game-no-peers"},
      {"download-game-files-begin", "game-download-begin"},
      {"download-game-files-progress", "game-download-progress"},
      {"download-game-files-finished", "game-download-finished"},
      {"download-game-files-failed", "game-download-failed"},
      {"download-game-files-cancelled", "game-download-cancelled"},
      {"install-game-begin", "game-install-begin"},
      {"install-game-finished", "game-install-finished"},
      {"install-game-failed", "game-install-failed"},
      {"install-game-progress", "game-install-progress"},
      {"install-transaction-recovered", "game-recovered"},
      {"uninstall-game-begin", "game-uninstall-begin"},
      {"uninstall-game-finished", "game-uninstall-finished"},
      {"uninstall-game-failed", "game-uninstall-failed"},
      {"active-operations-changed", "operations-changed"},
      {"listening", "peer-listening"},
      {"peer-count", "peer-count"},
  }};
  for (const auto& [from, to] : kNames) {
    if (from == runtime_name)
      return std::string(to);
  }
  // peer-discovered, peer-lost, game-dir-changed, rate-limits-changed,
  // command-failed and runtime-failure keep their names.
  return std::string(runtime_name);
}

AppState::AppState(peer::Catalog catalog) : catalog_(std::move(catalog)) {}

std::vector<json> AppState::apply(const peer::PeerEvent& event) {
  const std::scoped_lock lock(mutex_);
  std::vector<json> out;
  std::visit(Overloaded{[&](const peer::event::AggregatedLibraryChanged& e) {
                          library_ = e.games;
                          out.push_back(games_list_event());
                        },
                        [&](const peer::event::LocalLibraryChanged& e) {
                          merge_local_library(e.games);
                          out.push_back(games_list_event());
                        },
                        [&](const peer::event::ActiveOperationsChanged& e) {
                          operations_ = e.operations;
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::DownloadGameFilesProgress& e) {
                          downloads_.insert_or_assign(e.game_id, e);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::InstallGameProgress& e) {
                          installs_.insert_or_assign(e.game_id, e);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::InstallTransactionRecovered& e) {
                          recoveries_.insert_or_assign(e.game_id, e);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::NoPeersHaveGame& e) {
                          out.push_back(renamed(event));
                          record_failure(e.game_id, "download",
                                         "no peer on the network has this game", out);
                        },
                        [&](const peer::event::CommandFailed& e) {
                          out.push_back(renamed(event));
                          if (e.game_id.empty()) {
                            add_notice(e.command + ": " + e.reason);
                          } else {
                            record_failure(e.game_id, failed_operation(e.command), e.reason, out);
                          }
                        },
                        [&](const peer::event::RuntimeFailure& e) {
                          add_notice(e.reason);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::PeerDiscovered& e) {
                          peers_.insert_or_assign(e.peer_id, e.address);
                          peer_names_.insert_or_assign(e.peer_id, e.name);
                          peer_count_ = peers_.size();
                          json ui = renamed(event);
                          ui["previous_peer_id"] = previous_peer_id(e.peer_id);
                          out.push_back(std::move(ui));
                        },
                        [&](const peer::event::PeerLost& e) {
                          peers_.erase(e.peer_id);
                          peer_count_ = peers_.size();
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::PeerCount& e) {
                          peer_count_ = e.count;
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::Listening& e) {
                          quic_port_ = e.port;
                          peer_id_ = e.peer_id;
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::GameDirChanged& e) {
                          game_dir_ = e.path;
                          game_dir_problem_.reset();
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::RateLimitsChanged& e) {
                          rate_limits_ = e.limits;
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::GotGameFiles&) { out.push_back(renamed(event)); },
                        [&](const peer::event::PeerIdentityChanged& e) {
                          identity_changes_.insert_or_assign(e.name, e.old_peer_id);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::PeerAuthenticationFailed& e) {
                          add_notice("peer " + e.peer_id.substr(0, 12) + ": " + e.reason);
                          out.push_back(renamed(event));
                        },
                        [&](const peer::event::PassphraseChanged&) {
                          // Says only whether one is set (the controller keeps that).
                          out.push_back(renamed(event));
                        },
                        [&](const auto& e) {
                          // The lifecycle events: begin clears the game's last failure,
                          // failed records it, and the end of a download clears its
                          // progress.
                          using Event = std::decay_t<decltype(e)>;
                          constexpr bool is_download =
                              std::is_same_v<Event, peer::event::DownloadGameFilesBegin> ||
                              std::is_same_v<Event, peer::event::DownloadGameFilesFinished> ||
                              std::is_same_v<Event, peer::event::DownloadGameFilesFailed> ||
                              std::is_same_v<Event, peer::event::DownloadGameFilesCancelled>;
                          json ui = renamed(event);
                          const std::string name = ui["event"];
                          if (is_download && !name.ends_with("-begin"))
                            downloads_.erase(e.game_id);
                          if (name.starts_with("game-install-"))
                            installs_.erase(e.game_id);
                          out.push_back(std::move(ui));
                          if (name.ends_with("-begin") && failures_.erase(e.game_id) > 0)
                            out.push_back({{"event", "failure-dismissed"}, {"game_id", e.game_id}});
                          if (name.ends_with("-begin") && recoveries_.erase(e.game_id) > 0)
                            out.push_back(recovery_dismissed(e.game_id));
                          if constexpr (requires { e.reason; }) {
                            // "game-install-failed" -> "install"
                            const auto operation = name.substr(5, name.size() - 5 - 7);
                            record_failure(e.game_id, operation, e.reason, out);
                          }
                        }},
             event);
  return out;
}

void AppState::record_failure(const std::string& game_id, std::string operation, std::string reason,
                              std::vector<json>& out) {
  failures_.insert_or_assign(game_id, Failure{operation, reason});
  out.push_back(
      {{"event", "failure"}, {"game_id", game_id}, {"operation", operation}, {"reason", reason}});
}

void AppState::add_notice(std::string text) {
  notices_.push_back(std::move(text));
  if (notices_.size() > kMaxNotices)
    notices_.pop_front();
}

void AppState::merge_local_library(const std::vector<peer::LocalGame>& games) {
  std::map<std::string, const peer::LocalGame*, std::less<>> local;
  for (const auto& game : games)
    local.emplace(game.id, &game);
  for (auto& entry : library_) {
    const auto it = local.find(entry.game.id);
    if (it == local.end()) {
      entry.local.reset();
    } else {
      entry.local = *it->second;
      local.erase(it);
    }
  }
  std::erase_if(library_, [](const auto& entry) { return !entry.local && entry.peer_count == 0; });
  for (const auto& [id, game] : local) {
    const auto* catalog_entry = catalog_.find(id);
    if (catalog_entry == nullptr)
      continue;
    library_.push_back(peer::LibraryGame{
        .game = proto::Game{.id = id,
                            .name = catalog_entry->name,
                            .description = catalog_entry->description,
                            .genre = catalog_entry->genre,
                            .max_players = catalog_entry->max_players,
                            .release_year = catalog_entry->release_year,
                            .size = game->downloaded ? game->size : catalog_entry->size_bytes,
                            .version = game->version},
        .local = *game,
        .peer_count = 0});
  }
}

json AppState::previous_peer_id(const std::string& peer_id) const {
  const auto name = peer_names_.find(peer_id);
  if (name == peer_names_.end())
    return nullptr;
  const auto change = identity_changes_.find(name->second);
  if (change == identity_changes_.end() || change->second == peer_id)
    return nullptr;
  return change->second;
}

json AppState::library_json() const {
  return peer::to_json(peer::event::AggregatedLibraryChanged{library_})["games"];
}

json AppState::games_list_event() const {
  return {{"event", "games-list-updated"}, {"games", library_json()}};
}

void AppState::set_game_dir(const std::filesystem::path& path, std::optional<std::string> problem) {
  const std::scoped_lock lock(mutex_);
  game_dir_ = path;
  game_dir_problem_ = std::move(problem);
}

std::filesystem::path AppState::game_dir() const {
  const std::scoped_lock lock(mutex_);
  return game_dir_;
}

void AppState::set_runtime_running(bool running) {
  const std::scoped_lock lock(mutex_);
  runtime_running_ = running;
}

std::optional<json> AppState::dismiss_failure(std::string_view game_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = failures_.find(game_id);
  if (it == failures_.end())
    return std::nullopt;
  failures_.erase(it);
  return json{{"event", "failure-dismissed"}, {"game_id", std::string(game_id)}};
}

std::optional<json> AppState::dismiss_recovery(std::string_view game_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = recoveries_.find(game_id);
  if (it == recoveries_.end())
    return std::nullopt;
  recoveries_.erase(it);
  return recovery_dismissed(game_id);
}

bool AppState::is_catalog_game(std::string_view game_id) const {
  return catalog_.contains(game_id);
}

std::optional<peer::OperationKind> AppState::operation(std::string_view game_id) const {
  const std::scoped_lock lock(mutex_);
  const auto it = operations_.find(game_id);
  if (it == operations_.end())
    return std::nullopt;
  return it->second;
}

json AppState::snapshot() const {
  const std::scoped_lock lock(mutex_);
  json operations = json::object();
  for (const auto& [id, kind] : operations_)
    operations[id] = peer::to_string(kind);
  json downloads = json::object();
  for (const auto& [id, progress] : downloads_) {
    downloads[id] = {{"bytes_done", progress.bytes_done},
                     {"bytes_total", progress.bytes_total},
                     {"bytes_per_second", progress.bytes_per_second},
                     {"peers_streaming", progress.peers_streaming}};
  }
  json installs = json::object();
  for (const auto& [id, progress] : installs_)
    installs[id] = {{"bytes_done", progress.bytes_done}, {"bytes_total", progress.bytes_total}};
  json recoveries = json::object();
  for (const auto& [id, recovered] : recoveries_) {
    auto fields = peer::to_json(recovered);
    fields.erase("event");
    fields.erase("game_id");
    recoveries[id] = std::move(fields);
  }
  json failures = json::object();
  for (const auto& [id, failure] : failures_)
    failures[id] = {{"operation", failure.operation}, {"reason", failure.reason}};
  json peers = json::array();
  for (const auto& [id, address] : peers_) {
    const auto name = peer_names_.find(id);
    peers.push_back({{"peer_id", id},
                     {"address", address},
                     {"name", name == peer_names_.end() ? "" : name->second},
                     {"previous_peer_id", previous_peer_id(id)}});
  }
  return {{"games", library_json()},
          {"operations", std::move(operations)},
          {"downloads", std::move(downloads)},
          {"installs", std::move(installs)},
          {"failures", std::move(failures)},
          {"recoveries", std::move(recoveries)},
          {"peers", std::move(peers)},
          {"peer_count", peer_count_},
          {"game_dir", utf8_of(game_dir_)},
          {"game_dir_problem", game_dir_problem_ ? json(*game_dir_problem_) : json(nullptr)},
          {"runtime",
           {{"running", runtime_running_}, {"quic_port", quic_port_}, {"peer_id", peer_id_}}},
          {"notices", notices_},
          {"rate_limits",
           {{"upload_limit_mbit", rate_limits_.upload_mbit},
            {"download_limit_mbit", rate_limits_.download_mbit}}}};
}

}  // namespace lanspread::app
