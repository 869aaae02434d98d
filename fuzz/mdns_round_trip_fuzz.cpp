// Whatever parses must serialize (without throwing), parse back to the same
// message and serialize to the same bytes again; otherwise a record we
// cached and re-sent (known answers) would change meaning on the way.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>

#include "mdns/dns_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lanspread::mdns;
  const auto first = parse_message(std::span<const std::uint8_t>(data, size));
  if (!first)
    return 0;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = serialize_message(first.value());
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "a parsed message does not serialize: %s\n", error.what());
    std::abort();
  }
  const auto second = parse_message(bytes);
  if (!second) {
    std::fprintf(stderr, "serialized message does not parse: %s\n", second.error().message.c_str());
    std::abort();
  }
  if (!(second.value() == first.value()) || serialize_message(second.value()) != bytes) {
    std::fprintf(stderr, "round trip changed the message\n");
    std::abort();
  }
  return 0;
}
