#include "simulated_network.hpp"

namespace lanspread::mdns::test {

std::string hex_id(char digit) {
  return std::string(64, digit);
}

SimulatedNetwork::SimulatedNetwork(Timing timing, std::uint32_t seed)
    : timing_(timing), now_(TimePoint() + std::chrono::hours(1)), random_(seed) {}

SimulatedNetwork::Peer& SimulatedNetwork::add_peer(const std::string& peer_id,
                                                   const std::string& address, std::uint16_t port) {
  auto peer = std::make_unique<Peer>();
  peer->peer_id = peer_id;
  peer->link = {2, "eth0", asio::ip::make_address_v4(address), 24};
  auto* raw = peer.get();
  const std::size_t index = peers_.size();
  raw->engine = std::make_unique<Engine>(
      Advertisement{peer_id, 1, port}, timing_,
      Engine::Callbacks{
          .send =
              [this, raw, index](OutgoingPacket packet) {
                raw->sent.emplace_back(now_, packet);
                in_flight_.push_back({index, std::move(packet)});
              },
          .found = [this, raw](DiscoveredPeer found) { raw->found.emplace_back(now_, found); },
          .lost = [this, raw](const std::string& id) { raw->lost.emplace_back(now_, id); }},
      static_cast<std::uint32_t>(random_()));
  raw->engine->add_interface(raw->link, now_);
  peers_.push_back(std::move(peer));
  return *raw;
}

void SimulatedNetwork::inject(Peer& to, std::span<const std::uint8_t> bytes,
                              asio::ip::udp::endpoint source, int hop_limit) {
  to.engine->receive({to.link.index, source, hop_limit, bytes}, now_);
  deliver_all();
}

void SimulatedNetwork::deliver_all() {
  while (!in_flight_.empty()) {
    auto flight = std::move(in_flight_.front());
    in_flight_.pop_front();
    const auto& sender = *peers_[flight.from];
    if (!sender.connected)
      continue;
    const asio::ip::udp::endpoint source(source_override_.value_or(sender.link.address), kMdnsPort);
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      auto& receiver = *peers_[i];
      if (!receiver.connected || (i == flight.from && !echo_))
        continue;
      if (flight.packet.unicast_destination && flight.packet.unicast_destination->address() !=
                                                   asio::ip::address(receiver.link.address)) {
        continue;
      }
      const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
      if (roll < loss_percent_ || roll < receiver.inbound_loss_percent)
        continue;
      receiver.engine->receive({receiver.link.index, source, hop_limit_, flight.packet.bytes},
                               now_);
    }
  }
}

void SimulatedNetwork::run_until(TimePoint until, const std::function<bool()>& done) {
  deliver_all();
  while (!(done && done())) {
    std::optional<TimePoint> next;
    for (const auto& peer : peers_) {
      const auto deadline = peer->engine->next_deadline();
      if (deadline && (!next || *deadline < *next))
        next = deadline;
    }
    if (!next || *next > until) {
      now_ = until;
      return;
    }
    now_ = std::max(now_, *next);
    for (const auto& peer : peers_)
      peer->engine->run_due(now_);
    deliver_all();
  }
}

}  // namespace lanspread::mdns::test
