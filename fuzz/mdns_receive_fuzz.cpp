// The whole receive path of the mDNS engine on a simulated clock: several
// datagrams per input, each framed as
//   u16 length, u8 milliseconds/10 to advance, u8 source selector, bytes
// Checks after every datagram that the cache and pending answers stay within
// their bounds and that peers are only lost after being found.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <span>
#include <string>

#include "mdns/engine.hpp"

namespace {

using namespace lanspread::mdns;

constexpr std::size_t kCacheLimit = 32;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Timing timing;
  timing.record_ttl = std::chrono::seconds(10);
  timing.max_cache_records = kCacheLimit;
  std::set<std::string> found;
  std::size_t sent = 0;
  Engine engine(
      Advertisement{std::string(64, 'a'), 1, 7000}, timing,
      Engine::Callbacks{.send = [&sent](OutgoingPacket) { ++sent; },
                        .found = [&found](DiscoveredPeer peer) { found.insert(peer.peer_id); },
                        .lost =
                            [&found](const std::string& id) {
                              if (found.erase(id) == 0)
                                fail("lost a peer that was never found");
                            }},
      1);
  const LinkInterface link{2, "eth0", asio::ip::make_address_v4("10.99.0.1"), 24};
  TimePoint now{};
  engine.add_interface(link, now);

  // A bounded number of datagrams keeps each run fast; the corpus holds
  // the longer stories.
  std::span<const std::uint8_t> input(data, size);
  for (int datagrams = 0; input.size() >= 4 && datagrams < 32; ++datagrams) {
    const std::size_t length = static_cast<std::size_t>(input[0] << 8 | input[1]);
    now += std::chrono::milliseconds(10 * input[2]);
    const std::uint8_t selector = input[3];
    input = input.subspan(4);
    const auto packet = input.first(std::min(length, input.size()));
    input = input.subspan(packet.size());

    engine.run_due(now);
    const auto source_host = static_cast<std::uint8_t>(2 + (selector & 0x03));
    const std::uint16_t port = (selector & 0x04) != 0 ? 40000 : kMdnsPort;
    const int hop_limit = (selector & 0x08) != 0 ? 1 : 255;
    engine.receive(
        {link.index, {asio::ip::address_v4({10, 99, 0, source_host}), port}, hop_limit, packet},
        now);
    if (engine.cache_size(link.index) > kCacheLimit)
      fail("cache above its limit");
    // Answers to merge: our handful of records, whatever was asked.
    if (engine.pending_answer_count(link.index) > 16)
      fail("pending answers grow with the queries");
    // Whatever is due gets done: a deadline left in the past would make the
    // Discovery thread spin.
    engine.run_due(now);
    engine.run_due(now);
    if (const auto next = engine.next_deadline(); next && *next <= now)
      fail("a deadline stays in the past");
  }
  engine.run_due(now + std::chrono::hours(1));
  (void)sent;
  return 0;
}
