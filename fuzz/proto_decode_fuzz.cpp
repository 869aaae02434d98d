#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/codec.hpp"

namespace {

using lanspread::proto::decode_request;
using lanspread::proto::decode_response;
using lanspread::proto::encode;

// Whatever decodes must re-encode to something that decodes to the same
// value and re-encodes to the same bytes; otherwise two peers could disagree
// about what a message said.
template <class Decode>
void check_round_trip(std::string_view input, Decode decode) {
  const auto first = decode(input);
  if (!first) {
    return;
  }
  const std::string encoded = encode(first.value());
  const auto second = decode(encoded);
  if (!second) {
    std::fprintf(stderr, "re-encoded message does not decode: %s\n%s\n",
                 second.error().message.c_str(), encoded.c_str());
    std::abort();
  }
  if (!(second.value() == first.value()) || encode(second.value()) != encoded) {
    std::fprintf(stderr, "round trip changed the message:\n%s\n", encoded.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_round_trip(input, decode_request);
  check_round_trip(input, decode_response);
  return 0;
}
