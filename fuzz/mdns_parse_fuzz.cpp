// Parses untrusted bytes as an mDNS message: must never crash, hang or
// over-read, whatever arrives on port 5353.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mdns/dns_message.hpp"
#include "mdns/txt_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lanspread::mdns;
  const auto parsed = parse_message(std::span<const std::uint8_t>(data, size));
  if (!parsed)
    return 0;
  for (const auto* section : {&parsed.value().answers, &parsed.value().additionals}) {
    for (const auto& record : *section) {
      if (const auto* txt = std::get_if<TxtData>(&record.data)) {
        (void)txt_value(*txt, "id");
        (void)txt_value(*txt, "v");
      }
    }
  }
  return 0;
}
