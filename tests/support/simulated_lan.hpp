#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lanspread::test {

// Hosts on one simulated LAN: a network namespace per host, each joined to a
// private bridge by a veth pair, with an IPv4 address on one /24 and
// multicast routed to the LAN. Names carry the process id, so parallel test
// processes never collide. Everything is removed by the destructor. Needs
// root and iproute2.
class SimulatedLan {
 public:
  // Why a simulated LAN cannot be made here (not root, no `ip`), or nothing.
  static std::optional<std::string> unavailable_reason();

  explicit SimulatedLan(std::size_t hosts);
  ~SimulatedLan();
  SimulatedLan(const SimulatedLan&) = delete;
  SimulatedLan& operator=(const SimulatedLan&) = delete;

  std::size_t size() const { return hosts_; }
  std::string address(std::size_t host) const;
  // `argv` run inside the host's namespace.
  std::vector<std::string> on_host(std::size_t host, std::vector<std::string> argv) const;

  // Drops every multicast packet leaving or entering each host, like a
  // network whose switches filter mDNS.
  void block_multicast();
  // Caps the host's link to the LAN (both directions) with a token bucket.
  void shape(std::size_t host, unsigned megabits_per_second);

 private:
  void tear_down();
  std::string namespace_name(std::size_t host) const;
  std::string host_link(std::size_t host) const;    // inside the namespace
  std::string bridge_link(std::size_t host) const;  // its peer on the bridge

  std::size_t hosts_;
  std::string tag_;
  unsigned subnet_;
  std::string bridge_;
};

}  // namespace lanspread::test
