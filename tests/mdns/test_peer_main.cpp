// A Discovery in its own process, for namespace tests that need to kill a
// peer: prints "ready", then "found <id> <endpoint>" and "lost <id>" lines;
// SIGTERM stops it cleanly (goodbyes), SIGKILL does not.
//   mdns_test_peer <peer-id> <port> <ttl-seconds>
#include <signal.h>

#include <cstdio>
#include <string>

#include "mdns/discovery.hpp"

int main(int argc, char** argv) {
  using namespace lanspread::mdns;
  if (argc != 4) {
    std::fprintf(stderr, "usage: mdns_test_peer <peer-id> <port> <ttl-seconds>\n");
    return 2;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before any thread starts

  Options options;
  options.timing.record_ttl = std::chrono::seconds(std::stoi(argv[3]));
  Discovery discovery(
      Advertisement{argv[1], 1, static_cast<std::uint16_t>(std::stoi(argv[2]))}, options,
      [](const DiscoveredPeer& peer) {
        for (const auto& endpoint : peer.endpoints) {
          std::printf("found %s %s:%u\n", peer.peer_id.c_str(),
                      endpoint.address().to_string().c_str(), endpoint.port());
        }
        std::fflush(stdout);
      },
      [](const std::string& peer_id) {
        std::printf("lost %s\n", peer_id.c_str());
        std::fflush(stdout);
      });
  std::printf("ready\n");
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  discovery.stop();
  std::printf("stopped\n");
  return 0;
}
