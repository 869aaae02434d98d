#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include "peer/runtime/runtime.hpp"
#include "peer/services/peer_address.hpp"

// Peers: discovery, peers by address, the links' reports, and trust (the
// party passphrase in force, names and the keys they went by).
namespace lanspread::peer {

void Runtime::handle(command::GetPeerCount) {
  emit_(event::PeerCount{peers_.peer_count()});
}

void Runtime::handle(const command::AddPeer& command) {
  if (!parse_peer_address(command.address)) {
    command_failed(command::AddPeer::kName, "",
                   "\"" + command.address +
                       "\" is not a peer address: expected host:port, a.b.c.d:port or [v6]:port");
    return;
  }
  remember(
      [address = command.address](Settings& settings) {
        if (std::ranges::find(settings.peers, address) == settings.peers.end())
          settings.peers.push_back(address);
      },
      [address = command.address](const Result<void>& remembered) {
        if (!remembered)
          spdlog::warn("cannot remember peer {}: {}", address, remembered.error().message);
      });
  dial_address(command.address);
}

void Runtime::start_discovery() {
  if (!options_.mdns)
    return;
  const auto local = endpoint_.local_endpoint();
  try {
    discovery_ = std::make_unique<mdns::Discovery>(
        mdns::Advertisement{.peer_id = identity_.fingerprint,
                            .protocol_version = proto::kProtocolVersion,
                            .port = local.port()},
        *options_.mdns,
        [this, v4 = local.address().is_v4()](mdns::DiscoveredPeer peer) {
          if (peer.protocol_version != proto::kProtocolVersion) {
            spdlog::info("ignoring peer {}: it speaks protocol version {}, we speak {}",
                         peer.peer_id, peer.protocol_version, proto::kProtocolVersion);
            return;
          }
          // Our one socket reaches only its own address family.
          std::erase_if(peer.endpoints, [v4](const auto& e) { return e.address().is_v4() != v4; });
          asio::post(io_, [this, peer = std::move(peer)]() mutable {
            if (!stopping_)
              links_.discovered(peer.peer_id, std::move(peer.endpoints));
          });
        },
        [this](std::string peer_id) {
          asio::post(io_, [this, peer_id = std::move(peer_id)] {
            if (!stopping_)
              links_.departed(peer_id);
          });
        });
  } catch (const std::exception& e) {
    // Peers given by address still work.
    spdlog::warn("mDNS discovery is off: {}", e.what());
  }
}

void Runtime::dial_address(const std::string& address) {
  const auto parsed = parse_peer_address(address);
  if (!parsed) {
    spdlog::warn("ignoring peer address \"{}\": expected host:port", address);
    return;
  }
  auto resolver = std::make_shared<asio::ip::udp::resolver>(io_);
  resolver->async_resolve(
      parsed->host, std::to_string(parsed->port),
      [this, resolver, address](std::error_code error,
                                const asio::ip::udp::resolver::results_type& results) {
        if (stopping_)
          return;
        if (error || results.empty()) {
          command_failed(command::AddPeer::kName, "",
                         "cannot resolve " + address + ": " + error.message());
          return;
        }
        links_.add_address(results.begin()->endpoint());
      });
}

void Runtime::peer_alive(const std::string& id, const asio::ip::udp::endpoint& address) {
  peers_.add_peer(id, address);
  const auto name = peer_names_.find(id);
  emit_(event::PeerDiscovered{
      .peer_id = id,
      .address = address.address().to_string() + ":" + std::to_string(address.port()),
      .name = name == peer_names_.end() ? std::string() : name->second});
  emit_(event::PeerCount{peers_.peer_count()});
}

void Runtime::peer_games(const std::string& id, std::vector<proto::Game> games) {
  peers_.set_games(id, std::move(games));
  handle(command::ListGames{});
  for (const auto& [game_id, download] : downloads_) {
    const auto* peer = peers_.find(id);
    const auto offered = std::ranges::find(peer->games, game_id, &proto::Game::id);
    if (offered != peer->games.end() && offered->version == download.agreed.version &&
        std::ranges::find(download.agreed.peers, id) == download.agreed.peers.end())
      asio::co_spawn(io_, offer_as_source(game_id, id), asio::detached);
  }
}

void Runtime::peer_lost(const std::string& id) {
  for (auto& [game_id, download] : downloads_) {
    download.job->source_lost(id);
    std::erase(download.agreed.peers, id);  // may join again when it returns
  }
  if (!peers_.remove_peer(id))
    return;
  emit_(event::PeerLost{id});
  emit_(event::PeerCount{peers_.peer_count()});
  handle(command::ListGames{});
}

void Runtime::apply_party_key(std::optional<PartyKey> key) {
  spdlog::info("the party passphrase is now {}", key ? "set" : "not set");
  auth_.set_key(key);
  refusals_reported_.clear();
  links_.recheck_all();
  emit_(event::PassphraseChanged{.set = auth_.has_passphrase()});
}

void Runtime::peer_admitted(const std::string& id, const std::string& name) {
  std::erase_if(refusals_reported_, [&](const std::string& key) { return key.starts_with(id); });
  peer_names_.insert_or_assign(id, name);
  if (name.empty())
    return;
  // Two machines online at once under one name (a default host name, say)
  // are two peers, not a key that changed: only a name whose other key is
  // gone is flagged.
  const bool name_taken = std::ranges::any_of(peer_names_, [&](const auto& other) {
    return other.first != id && other.second == name && peers_.find(other.first) != nullptr;
  });
  if (name_taken)
    return;
  auto recorded = known_peers_.record(name, id);
  if (recorded.changed)
    remember_known_peers();
  if (recorded.previous) {
    spdlog::warn("peer \"{}\" has a new key: {} (was {})", name, id, *recorded.previous);
    emit_(event::PeerIdentityChanged{
        .name = name, .old_peer_id = std::move(*recorded.previous), .new_peer_id = id});
  }
}

void Runtime::peer_refused(const std::string& id, const std::string& reason) {
  if (!refusals_reported_.insert(id + reason).second)
    return;
  spdlog::warn("peer {}: {}", id, reason);
  emit_(event::PeerAuthenticationFailed{.peer_id = id, .reason = reason});
}

}  // namespace lanspread::peer
