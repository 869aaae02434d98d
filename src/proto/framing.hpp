#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lanspread::proto {

// On a stream, a request is the whole stream up to its end; a response is a
// frame: a 4-byte big-endian length, then that many bytes of JSON. A
// FileDataResponse frame is followed by exactly `length` raw bytes.
inline constexpr std::size_t kFrameHeaderBytes = 4;

inline std::string frame(std::string_view json) {
  const auto size = static_cast<std::uint32_t>(json.size());
  std::string framed;
  framed.reserve(kFrameHeaderBytes + json.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    framed.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  framed.append(json);
  return framed;
}

inline std::uint32_t frame_length(std::string_view header) {
  std::uint32_t size = 0;
  for (std::size_t i = 0; i < kFrameHeaderBytes; ++i) {
    size = (size << 8) | static_cast<unsigned char>(header[i]);
  }
  return size;
}

}  // namespace lanspread::proto
