#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "mdns/engine.hpp"

namespace lanspread::mdns::test {

// Engines on one simulated link with a simulated clock: deterministic tests
// of the protocol without sockets or sleeps.
class SimulatedNetwork {
 public:
  struct Peer {
    std::string peer_id;
    LinkInterface link;
    std::unique_ptr<Engine> engine;
    std::vector<std::pair<TimePoint, DiscoveredPeer>> found;
    std::vector<std::pair<TimePoint, std::string>> lost;
    std::vector<std::pair<TimePoint, OutgoingPacket>> sent;
    bool connected = true;  // false: its packets vanish both ways
    int inbound_loss_percent = 0;
  };

  explicit SimulatedNetwork(Timing timing = {}, std::uint32_t seed = 1);

  Peer& add_peer(const std::string& peer_id, const std::string& address, std::uint16_t port = 7000);
  // Runs until `until` or until `done` returns true.
  void run_until(TimePoint until, const std::function<bool()>& done = {});
  void run_for(std::chrono::milliseconds duration, const std::function<bool()>& done = {}) {
    run_until(now_ + duration, done);
  }
  // Hands a packet to one peer as if it came from `source`.
  void inject(Peer& to, std::span<const std::uint8_t> bytes, asio::ip::udp::endpoint source,
              int hop_limit = 255);

  TimePoint now() const { return now_; }
  void set_loss_percent(int percent) { loss_percent_ = percent; }
  // Off-link source for every packet (to test that they are dropped).
  void set_source_override(std::optional<asio::ip::address_v4> source) {
    source_override_ = source;
  }
  void set_hop_limit(int hop_limit) { hop_limit_ = hop_limit; }
  void set_echo(bool echo) { echo_ = echo; }

 private:
  struct InFlight {
    std::size_t from;
    OutgoingPacket packet;
  };
  void deliver_all();

  Timing timing_;
  TimePoint now_;
  std::minstd_rand random_;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::deque<InFlight> in_flight_;
  int loss_percent_ = 0;
  std::optional<asio::ip::address_v4> source_override_;
  int hop_limit_ = 255;
  bool echo_ = false;
};

std::string hex_id(char digit);

}  // namespace lanspread::mdns::test
