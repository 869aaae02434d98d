#include "peer/peers/peer_game_db.hpp"

#include <algorithm>
#include <compare>
#include <set>

#include "peer/catalog/catalog.hpp"
#include "peer/peers/version_order.hpp"

namespace lanspread::peer {
namespace {

const proto::Game* offered(const RemotePeer& peer, std::string_view game_id) {
  const auto it = std::ranges::find(peer.games, game_id, &proto::Game::id);
  return it == peer.games.end() ? nullptr : &*it;
}

// The value most often given; ties go to the largest value, so a game is
// never shown smaller than some peer says it is.
std::uint64_t most_common(std::vector<std::uint64_t> values) {
  std::ranges::sort(values);
  std::uint64_t best = 0;
  std::size_t best_count = 0;
  for (auto it = values.begin(); it != values.end();) {
    const auto run_end = std::ranges::find_if(it, values.end(), [&](auto v) { return v != *it; });
    const auto count = static_cast<std::size_t>(run_end - it);
    if (count >= best_count) {
      best = *it;
      best_count = count;
    }
    it = run_end;
  }
  return best;
}

}  // namespace

bool PeerGameDB::add_peer(const std::string& id, const asio::ip::udp::endpoint& address) {
  const auto [it, inserted] = peers_.try_emplace(id, RemotePeer{.id = id, .address = address});
  it->second.address = address;
  return inserted;
}

bool PeerGameDB::remove_peer(std::string_view id) {
  const auto it = peers_.find(id);
  if (it == peers_.end())
    return false;
  peers_.erase(it);
  return true;
}

void PeerGameDB::set_games(std::string_view id, std::vector<proto::Game> games) {
  const auto it = peers_.find(id);
  if (it == peers_.end())
    return;
  auto& peer = it->second;
  std::erase_if(peer.manifests, [&](const auto& entry) {
    const auto* before = offered(peer, entry.first);
    const auto now = std::ranges::find(games, entry.first, &proto::Game::id);
    return before == nullptr || now == games.end() || now->version != before->version;
  });
  peer.games = std::move(games);
}

void PeerGameDB::set_manifest(std::string_view id, const std::string& game_id,
                              std::vector<proto::GameFileDescription> files) {
  const auto it = peers_.find(id);
  if (it == peers_.end() || offered(it->second, game_id) == nullptr)
    return;
  it->second.manifests.insert_or_assign(game_id, std::move(files));
}

const RemotePeer* PeerGameDB::find(std::string_view id) const {
  const auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

std::vector<std::string> PeerGameDB::peer_ids() const {
  std::vector<std::string> ids;
  ids.reserve(peers_.size());
  for (const auto& [id, peer] : peers_)
    ids.push_back(id);
  return ids;
}

std::optional<std::string> PeerGameDB::latest_version(std::string_view game_id) const {
  std::optional<std::string> latest;
  for (const auto& [id, peer] : peers_) {
    const auto* game = offered(peer, game_id);
    if (game != nullptr && (!latest || std::is_gt(compare_versions(game->version, *latest))))
      latest = game->version;
  }
  return latest;
}

std::vector<std::string> PeerGameDB::peers_with_latest(std::string_view game_id) const {
  std::vector<std::string> ids;
  const auto latest = latest_version(game_id);
  if (!latest)
    return ids;
  for (const auto& [id, peer] : peers_) {
    const auto* game = offered(peer, game_id);
    if (game != nullptr && std::is_eq(compare_versions(game->version, *latest)))
      ids.push_back(id);
  }
  return ids;
}

std::optional<AgreedManifest> PeerGameDB::agreed_manifest(std::string_view game_id) const {
  const auto latest = latest_version(game_id);
  if (!latest)
    return std::nullopt;
  std::optional<AgreedManifest> best;
  // Peers are visited by id, so on a tie the first candidate (smallest id) stays.
  std::vector<AgreedManifest> candidates;
  for (const auto& id : peers_with_latest(game_id)) {
    const auto& peer = peers_.find(id)->second;
    const auto manifest = peer.manifests.find(game_id);
    if (manifest == peer.manifests.end())
      continue;
    auto same = std::ranges::find(candidates, manifest->second, &AgreedManifest::files);
    if (same == candidates.end()) {
      candidates.push_back(AgreedManifest{.version = *latest, .files = manifest->second});
      same = std::prev(candidates.end());
    }
    same->peers.push_back(id);
  }
  for (auto& candidate : candidates) {
    if (!best || candidate.peers.size() > best->peers.size())
      best = std::move(candidate);
  }
  return best;
}

std::vector<LibraryGame> PeerGameDB::merged_library(const LocalLibrary& local,
                                                    const Catalog& catalog) const {
  std::set<std::string, std::less<>> ids;
  for (const auto& [id, game] : local)
    ids.insert(id);
  for (const auto& [peer_id, peer] : peers_) {
    for (const auto& game : peer.games)
      ids.insert(game.id);
  }

  std::vector<LibraryGame> merged;
  for (const auto& id : ids) {
    const auto* entry = catalog.find(id);
    if (entry == nullptr)
      continue;
    const auto here = local.find(id);
    const LocalGame* mine = here == local.end() ? nullptr : &here->second;
    const bool downloaded_here = mine != nullptr && mine->downloaded;
    const auto network = latest_version(id);

    LibraryGame item{.game = proto::Game{.id = id,
                                         .name = entry->name,
                                         .description = entry->description,
                                         .genre = entry->genre,
                                         .max_players = entry->max_players,
                                         .release_year = entry->release_year,
                                         .size = entry->size_bytes},
                     .local = mine != nullptr ? std::optional(*mine) : std::nullopt};
    const bool network_is_newest =
        network && (!downloaded_here || std::is_gteq(compare_versions(*network, mine->version)));
    if (network_is_newest) {
      std::vector<std::uint64_t> sizes;
      for (const auto& peer_id : peers_with_latest(id))
        sizes.push_back(offered(peers_.find(peer_id)->second, id)->size);
      item.game.version = *network;
      item.game.size = most_common(std::move(sizes));
      item.peer_count = peers_with_latest(id).size();
      item.update_available =
          downloaded_here && std::is_gt(compare_versions(*network, mine->version));
    } else if (downloaded_here) {
      item.game.version = mine->version;
      item.game.size = mine->size;
    }
    merged.push_back(std::move(item));
  }
  std::ranges::sort(merged, [](const LibraryGame& a, const LibraryGame& b) {
    return std::tie(a.game.name, a.game.id) < std::tie(b.game.name, b.game.id);
  });
  return merged;
}

}  // namespace lanspread::peer
