#include "support/simulated_lan.hpp"

#include <unistd.h>

#include <stdexcept>

#include "support/child_process.hpp"

namespace lanspread::test {
namespace {

void must(const std::vector<std::string>& argv) {
  const auto result = run(argv);
  if (result.exit_code != 0) {
    std::string line;
    for (const auto& arg : argv)
      line += arg + " ";
    throw std::runtime_error("simulated LAN: `" + line + "` failed: " + result.err);
  }
}

void try_run(const std::vector<std::string>& argv) {
  static_cast<void>(run(argv));
}

}  // namespace

std::optional<std::string> SimulatedLan::unavailable_reason() {
  if (geteuid() != 0)
    return "needs root to create network namespaces (run the suite as root)";
  if (access("/usr/sbin/ip", X_OK) != 0 && access("/sbin/ip", X_OK) != 0 &&
      access("/usr/bin/ip", X_OK) != 0)
    return "needs iproute2's `ip`";
  return std::nullopt;
}

SimulatedLan::SimulatedLan(std::size_t hosts)
    : hosts_(hosts),
      tag_(std::to_string(getpid())),
      subnet_(static_cast<unsigned>(getpid()) % 250 + 1),
      bridge_("lsb" + tag_) {
  try {
    must({"ip", "link", "add", bridge_, "type", "bridge", "mcast_snooping", "0"});
    must({"ip", "link", "set", bridge_, "up"});
    for (std::size_t host = 0; host < hosts_; ++host) {
      const auto ns = namespace_name(host);
      must({"ip", "netns", "add", ns});
      must({"ip", "link", "add", bridge_link(host), "type", "veth", "peer", "name",
            host_link(host)});
      must({"ip", "link", "set", host_link(host), "netns", ns});
      must({"ip", "link", "set", bridge_link(host), "master", bridge_, "up"});
      must({"ip", "-n", ns, "addr", "add", address(host) + "/24", "dev", host_link(host)});
      must({"ip", "-n", ns, "link", "set", host_link(host), "up"});
      must({"ip", "-n", ns, "link", "set", "lo", "up"});
      must({"ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", host_link(host)});
    }
  } catch (...) {
    tear_down();
    throw;
  }
}

SimulatedLan::~SimulatedLan() {
  tear_down();
}

void SimulatedLan::tear_down() {
  for (std::size_t host = 0; host < hosts_; ++host) {
    // Killing the namespace's processes is the test's job; deleting the
    // namespace removes its end of the veth pair and with it the other.
    try_run({"ip", "netns", "delete", namespace_name(host)});
    try_run({"ip", "link", "delete", bridge_link(host)});
  }
  try_run({"ip", "link", "delete", bridge_});
}

std::string SimulatedLan::namespace_name(std::size_t host) const {
  return "ls" + tag_ + "-" + std::to_string(host);
}

std::string SimulatedLan::host_link(std::size_t host) const {
  return "lh" + tag_ + "-" + std::to_string(host);
}

std::string SimulatedLan::bridge_link(std::size_t host) const {
  return "lv" + tag_ + "-" + std::to_string(host);
}

std::string SimulatedLan::address(std::size_t host) const {
  return "10.77." + std::to_string(subnet_) + "." + std::to_string(host + 1);
}

std::vector<std::string> SimulatedLan::on_host(std::size_t host,
                                               std::vector<std::string> argv) const {
  std::vector<std::string> wrapped = {"ip", "netns", "exec", namespace_name(host)};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

void SimulatedLan::block_multicast() {
  for (std::size_t host = 0; host < hosts_; ++host) {
    const auto ns = namespace_name(host);
    must({"ip", "netns", "exec", ns, "nft", "add", "table", "inet", "lanspread_test"});
    for (const auto* hook : {"input", "output"}) {
      must({"ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "lanspread_test", hook,
            std::string("{ type filter hook ") + hook + " priority 0; }"});
      must({"ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "lanspread_test", hook, "ip",
            "daddr", "224.0.0.0/4", "drop"});
      must({"ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "lanspread_test", hook, "ip6",
            "daddr", "ff00::/8", "drop"});
    }
  }
}

void SimulatedLan::shape(std::size_t host, unsigned megabits_per_second) {
  const auto rate = std::to_string(megabits_per_second) + "mbit";
  // Egress of each end of the pair: what the host sends and what it receives.
  must({"ip", "netns", "exec", namespace_name(host), "tc", "qdisc", "replace", "dev",
        host_link(host), "root", "tbf", "rate", rate, "burst", "256kb", "latency", "20ms"});
  must({"tc", "qdisc", "replace", "dev", bridge_link(host), "root", "tbf", "rate", rate, "burst",
        "256kb", "latency", "20ms"});
}

}  // namespace lanspread::test
