#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "proto/game.hpp"
#include "transport/connection.hpp"

namespace asio {
class io_context;
}

namespace lanspread::transport {
class Endpoint;
}

namespace lanspread::peer {

struct LivenessOptions {
  std::chrono::milliseconds ping_interval = std::chrono::seconds(1);
  // A peer that has not answered for this long is dropped.
  std::chrono::milliseconds peer_timeout = std::chrono::seconds(6);
  // A peer that failed the party passphrase check is dialled again after
  // this (not every tick: each try costs both sides a handshake and a log
  // line).
  std::chrono::milliseconds refused_retry = std::chrono::seconds(10);
  // Connections that file transfers to one peer are spread over. More than
  // one because BBR sizes a connection's window from its minimum RTT, which
  // on a LAN is far below the RTT that thread wake-ups add: one connection
  // does not fill a gigabit link (docs/download.md, "Transfer connections").
  std::size_t transfer_connections = 2;
};

// Keeps one QUIC connection per live peer and decides who is alive: peers
// heard of (by discovery, or given by address) are dialled until they
// answer, live peers are pinged every interval, and a peer is dropped when it
// has not answered within the timeout or closed its connection. A peer's
// games are fetched on first contact and again whenever its pong carries a
// new library revision. A peer counts as live only once the party check
// (PartyAuth) passed both ways on its connection; one that fails it is dialled
// again after `refused_retry`. Runs on the endpoint's io_context; not
// thread-safe.
class PartyAuth;

class PeerLinks {
 public:
  struct Reports {
    std::function<void(const std::string& id, const asio::ip::udp::endpoint& address)> alive;
    std::function<void(const std::string& id, std::vector<proto::Game> games)> games;
    std::function<void(const std::string& id)> lost;
  };

  PeerLinks(asio::io_context& io, transport::Endpoint& endpoint, PartyAuth& auth,
            std::string own_id, LivenessOptions options, Reports reports);
  ~PeerLinks();
  PeerLinks(const PeerLinks&) = delete;
  PeerLinks& operator=(const PeerLinks&) = delete;

  void start();
  // Closes every connection; no report is made afterwards.
  void stop();

  // Discovery saw `id` at these addresses; it is dialled with its key pinned.
  void discovered(const std::string& id, std::vector<asio::ip::udp::endpoint> addresses);
  // Discovery heard `id` say goodbye: it is dropped at once.
  void departed(const std::string& id);
  // A peer given by address (no multicast): dialled until it answers, and
  // again whenever it is lost; its id is learned on first contact.
  void add_address(const asio::ip::udp::endpoint& address);
  // The party passphrase changed: every link is dropped and dialled again,
  // so each peer is checked against the new one.
  void recheck_all();

  // The live connection to `id`; nothing when the peer is not connected.
  std::optional<transport::Connection> connection(const std::string& id) const;
  // A connection to `id` for the next file transfer, taking the peer's
  // transfer connections in turn; nothing when the peer is not connected.
  // Transfer connections beyond the first are dialled here, in the
  // background, when missing (they close themselves when idle).
  std::optional<transport::Connection> transfer_connection(const std::string& id);
  std::size_t live_count() const { return links_.size(); }

 private:
  // Somewhere a peer may be reached.
  struct Candidate {
    std::optional<std::string> id;  // known from discovery, or learned on first contact
    std::vector<asio::ip::udp::endpoint> addresses;
    bool dialling = false;
    // Failed the party check: not dialled again before then.
    std::chrono::steady_clock::time_point refused_until;
  };
  struct Link {
    transport::Connection connection;
    asio::ip::udp::endpoint address;
    std::chrono::steady_clock::time_point last_heard;
    std::uint64_t serial = 0;  // tells a replaced link's late replies apart
    std::optional<std::uint64_t> library_revision;
    bool ping_in_flight = false;
    // Extra connections for file transfers, dialled on demand.
    std::vector<transport::Connection> transfer_lanes;
    bool lane_dialling = false;
    std::chrono::steady_clock::time_point lane_retry_after;
    std::size_t next_lane = 0;
  };

  void arm_timer();
  void tick();
  void dial_if_idle(const std::string& candidate_key);
  asio::awaitable<void> dial(std::string candidate_key);
  void connected(const std::string& candidate_key, transport::Connection connection,
                 const asio::ip::udp::endpoint& address);
  asio::awaitable<void> ping(std::string id, std::uint64_t serial);
  asio::awaitable<void> dial_transfer_lane(std::string id, std::uint64_t serial);
  void drop(const std::string& id, std::string_view why);
  static void close_all(Link& link);
  Link* link(const std::string& id, std::uint64_t serial);

  asio::awaitable<Result<void>> authenticate(transport::Connection& connection);

  transport::Endpoint& endpoint_;
  PartyAuth& auth_;
  std::string own_id_;
  LivenessOptions options_;
  Reports reports_;
  asio::steady_timer timer_;
  // Keyed by peer id (discovery) or "addr:<address>" (given by address).
  std::map<std::string, Candidate> candidates_;
  std::map<std::string, Link> links_;
  std::uint64_t next_serial_ = 1;
  bool stopped_ = false;
};

}  // namespace lanspread::peer
