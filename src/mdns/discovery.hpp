#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mdns/types.hpp"

namespace lanspread::mdns {

struct Options {
  // Loopback is skipped unless a test asks for it.
  bool include_loopback = false;
  // When not empty, only these interfaces (by name) are used.
  std::vector<std::string> only_interfaces;
  Timing timing;
  // Interfaces coming, going or changing address are noticed this often
  // (one interface listing: cheap).
  std::chrono::milliseconds interface_poll_interval{std::chrono::seconds(1)};
};

// Advertises this peer as `_lanspread._udp.local` on every suitable
// interface (up, multicast, with an IPv4 address) and browses for the
// others. It runs its own thread and io_context, so mDNS never delays the
// QUIC I/O path.
//
// `on_found` and `on_lost` are called on that thread and must be cheap
// (copy, post, return) and must not call stop(). on_found comes once per
// peer and interface and again when its addresses, port or version change;
// on_lost comes once the peer is gone from every interface (goodbye, TTL
// expiry, interface removal).
class Discovery {
 public:
  using FoundCallback = std::function<void(DiscoveredPeer)>;
  using LostCallback = std::function<void(std::string peer_id)>;

  // Throws std::system_error when the mDNS port cannot be opened, and
  // std::invalid_argument for an empty peer id.
  Discovery(Advertisement self, Options options, FoundCallback on_found, LostCallback on_lost);
  ~Discovery();  // stop()
  Discovery(const Discovery&) = delete;
  Discovery& operator=(const Discovery&) = delete;

  // Sends goodbyes on every interface and joins the thread. Idempotent.
  void stop();

 private:
  class Worker;
  std::unique_ptr<Worker> worker_;
};

}  // namespace lanspread::mdns
