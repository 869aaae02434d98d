#include "peer/runtime/event_json.hpp"

#include <nlohmann/json.hpp>

#include "base/utf8_path.hpp"
#include "proto/json.hpp"

namespace lanspread::peer {
namespace {

using nlohmann::json;

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

json games_json(const std::vector<LocalGame>& games) {
  json list = json::array();
  for (const auto& game : games)
    list.push_back(to_json(game));
  return list;
}

std::string_view recovery_outcome_name(install::RecoveryAction::Outcome outcome) {
  switch (outcome) {
    case install::RecoveryAction::Outcome::Completed:
      return "completed";
    case install::RecoveryAction::Outcome::RolledBack:
      return "rolled-back";
    case install::RecoveryAction::Outcome::CleanedUp:
      return "cleaned-up";
    case install::RecoveryAction::Outcome::Failed:
      return "failed";
  }
  return "unknown";
}

json fields(const PeerEvent& event) {
  return std::visit(
      Overloaded{[](const event::LocalLibraryChanged& e) -> json {
                   return {{"games", games_json(e.games)}};
                 },
                 [](const event::AggregatedLibraryChanged& e) -> json {
                   json list = json::array();
                   for (const auto& g : e.games) {
                     json item = g.game;
                     item["peer_count"] = g.peer_count;
                     item["update_available"] = g.update_available;
                     item["local"] = g.local ? to_json(*g.local) : json(nullptr);
                     list.push_back(std::move(item));
                   }
                   return {{"games", std::move(list)}};
                 },
                 [](const event::GotGameFiles& e) -> json {
                   return {{"game_id", e.game_id}, {"files", e.files}};
                 },
                 [](const event::DownloadGameFilesProgress& e) -> json {
                   return {{"game_id", e.game_id},
                           {"bytes_done", e.bytes_done},
                           {"bytes_total", e.bytes_total},
                           {"bytes_per_second", e.bytes_per_second},
                           {"peers_streaming", e.peers_streaming}};
                 },
                 [](const event::PeerDiscovered& e) -> json {
                   return {{"peer_id", e.peer_id}, {"address", e.address}, {"name", e.name}};
                 },
                 [](const event::PeerLost& e) -> json {
                   return {{"peer_id", e.peer_id}};
                 },
                 [](const event::PeerCount& e) -> json {
                   return {{"count", e.count}};
                 },
                 [](const event::ActiveOperationsChanged& e) -> json {
                   json operations = json::object();
                   for (const auto& [id, kind] : e.operations)
                     operations[id] = to_string(kind);
                   return {{"operations", std::move(operations)}};
                 },
                 [](const event::Listening& e) -> json {
                   return {{"port", e.port}, {"peer_id", e.peer_id}};
                 },
                 [](const event::GameDirChanged& e) -> json {
                   return {{"path", utf8_of(e.path)}};
                 },
                 [](const event::RateLimitsChanged& e) -> json {
                   return {{"upload_limit_mbit", e.limits.upload_mbit},
                           {"download_limit_mbit", e.limits.download_mbit}};
                 },
                 [](const event::CommandFailed& e) -> json {
                   return {{"command", e.command}, {"game_id", e.game_id}, {"reason", e.reason}};
                 },
                 [](const event::RuntimeFailure& e) -> json {
                   return {{"reason", e.reason}};
                 },
                 [](const event::InstallGameProgress& e) -> json {
                   return {{"game_id", e.game_id},
                           {"bytes_done", e.bytes_done},
                           {"bytes_total", e.bytes_total}};
                 },
                 [](const event::InstallTransactionRecovered& e) -> json {
                   return {{"game_id", e.game_id},
                           {"operation",
                            e.operation ? json(install::to_string(*e.operation)) : json(nullptr)},
                           {"outcome", recovery_outcome_name(e.outcome)},
                           {"description", e.description}};
                 },
                 [](const event::PeerIdentityChanged& e) -> json {
                   return {{"name", e.name},
                           {"old_peer_id", e.old_peer_id},
                           {"new_peer_id", e.new_peer_id}};
                 },
                 [](const event::PeerAuthenticationFailed& e) -> json {
                   return {{"peer_id", e.peer_id}, {"reason", e.reason}};
                 },
                 [](const event::PassphraseChanged& e) -> json {
                   return {{"set", e.set}};
                 },
                 // The remaining events carry a game id and, for failures, a reason.
                 [](const auto& e) -> json {
                   json result = {{"game_id", e.game_id}};
                   if constexpr (requires { e.reason; })
                     result["reason"] = e.reason;
                   return result;
                 }},
      event);
}

}  // namespace

json to_json(const PeerEvent& event) {
  json result = fields(event);
  result["event"] = event_name(event);
  return result;
}

json to_json(const LocalGame& game) {
  return {{"id", game.id},
          {"downloaded", game.downloaded},
          {"installed", game.installed},
          {"version", game.version},
          {"size", game.size},
          {"file_count", game.file_count}};
}

}  // namespace lanspread::peer
