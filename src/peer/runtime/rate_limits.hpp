#pragma once

#include <cstdint>

namespace lanspread::peer {

// The user's bandwidth limits in Mbit/s (what a LAN's links are sold in);
// 0 means no limit. Uploads cover every peer we serve, downloads every game
// we fetch.
struct RateLimits {
  double upload_mbit = 0;
  double download_mbit = 0;

  friend bool operator==(const RateLimits&, const RateLimits&) = default;
};

constexpr std::uint64_t bytes_per_second(double mbit) {
  return mbit <= 0 ? 0 : static_cast<std::uint64_t>(mbit * 1'000'000 / 8);
}

}  // namespace lanspread::peer
