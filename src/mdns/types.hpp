#pragma once

#include <asio/ip/address_v4.hpp>
#include <asio/ip/udp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lanspread::mdns {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// What this peer advertises. `peer_id` is the 64-hex-digit certificate
// fingerprint; it goes into the TXT record as `id=`.
struct Advertisement {
  std::string peer_id;
  std::uint32_t protocol_version = 0;
  std::uint16_t port = 0;  // the QUIC port, carried in the SRV record
};

// A peer resolved on one interface: every endpoint is an address of that
// interface's link with the advertised port (link-local IPv6 addresses carry
// the interface as scope id).
struct DiscoveredPeer {
  std::string peer_id;
  std::uint32_t protocol_version = 0;
  std::vector<asio::ip::udp::endpoint> endpoints;
  std::string interface_name;
  friend bool operator==(const DiscoveredPeer&, const DiscoveredPeer&) = default;
};

// The protocol's clock settings; the defaults follow RFC 6762, tests shorten
// them.
struct Timing {
  // TTL of every record we publish. A crashed peer disappears from other
  // caches one TTL after its last refresh (RFC 6762 recommends 120 s for
  // host-related records; mDNS is only a hint, liveness comes from QUIC).
  std::chrono::seconds record_ttl{120};
  std::chrono::milliseconds probe_interval{250};
  // Unsolicited announcements after probing, 1 s apart then doubling (RFC
  // 6762 §8.3 allows up to eight): the five in the first 15 s are all lost
  // at 30 % loss in about one start in 400.
  int announcement_count = 8;
  std::chrono::milliseconds first_query_interval{1000};
  std::chrono::milliseconds max_query_interval{std::chrono::minutes(60)};
  // RFC 6762 §10.1: a goodbye removes the record one second later.
  std::chrono::milliseconds goodbye_grace{1000};
  // Per interface; records beyond it are dropped (spoofed floods).
  std::size_t max_cache_records = 1024;
};

// One interface the engine runs on: its index, name and the IPv4 address and
// prefix that go into our A record and define "on-link".
struct LinkInterface {
  unsigned index = 0;
  std::string name;
  asio::ip::address_v4 address;
  unsigned prefix_length = 0;
  friend bool operator==(const LinkInterface&, const LinkInterface&) = default;
};

// A packet the engine wants sent on one interface: to the mDNS group, or to
// one unicast address (answers to legacy and QU queries).
struct OutgoingPacket {
  unsigned interface_index = 0;
  std::vector<std::uint8_t> bytes;
  std::optional<asio::ip::udp::endpoint> unicast_destination;
};

// A received datagram with what the socket learned about it.
struct IncomingPacket {
  unsigned interface_index = 0;
  asio::ip::udp::endpoint source;
  int hop_limit = 255;  // IP TTL of the datagram
  std::span<const std::uint8_t> bytes;
};

inline constexpr std::uint16_t kMdnsPort = 5353;
inline const asio::ip::address_v4 kMdnsGroupV4 = asio::ip::make_address_v4("224.0.0.251");

}  // namespace lanspread::mdns
