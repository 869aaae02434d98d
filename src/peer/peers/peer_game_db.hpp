#pragma once

#include <asio/ip/udp.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "peer/library/local_game.hpp"
#include "peer/peers/library_game.hpp"
#include "proto/file_description.hpp"
#include "proto/game.hpp"

namespace lanspread::peer {

class Catalog;

// What one peer offers, as last heard from it.
struct RemotePeer {
  std::string id;  // its certificate fingerprint
  asio::ip::udp::endpoint address;
  std::vector<proto::Game> games;
  // The last manifest it sent per game id, for the version it announces.
  std::map<std::string, std::vector<proto::GameFileDescription>, std::less<>> manifests;
};

// A game's manifest as the peers with its latest version agree on it.
struct AgreedManifest {
  std::string version;
  std::vector<proto::GameFileDescription> files;
  std::vector<std::string> peers;  // the peers that sent exactly these files
};

// Every known peer's games, merged. Pure data: the runtime feeds it what
// peers say and asks it which peers have what. Only catalog titles count: a
// peer's own metadata is never shown, so one peer cannot rename a game for
// everybody.
class PeerGameDB {
 public:
  // Adds a peer or updates its address. True when the peer is new.
  bool add_peer(const std::string& id, const asio::ip::udp::endpoint& address);
  // Forgets a peer and everything it offered. True when it was known.
  bool remove_peer(std::string_view id);
  // Replaces what a known peer offers; manifests of games it no longer
  // offers at the same version are forgotten.
  void set_games(std::string_view id, std::vector<proto::Game> games);
  void set_manifest(std::string_view id, const std::string& game_id,
                    std::vector<proto::GameFileDescription> files);

  const RemotePeer* find(std::string_view id) const;
  std::size_t peer_count() const { return peers_.size(); }
  std::vector<std::string> peer_ids() const;

  // The newest version any peer offers, if any peer offers the game.
  std::optional<std::string> latest_version(std::string_view game_id) const;
  // The peers offering the latest version, by id.
  std::vector<std::string> peers_with_latest(std::string_view game_id) const;
  // The manifest most of those peers sent (ties: the one of the smallest
  // peer id), or nothing when none of them has sent one yet.
  std::optional<AgreedManifest> agreed_manifest(std::string_view game_id) const;

  // The merged library: every catalog title a peer offers or this machine
  // holds, sorted by name.
  std::vector<LibraryGame> merged_library(const LocalLibrary& local, const Catalog& catalog) const;

 private:
  std::map<std::string, RemotePeer, std::less<>> peers_;
};

}  // namespace lanspread::peer
