#pragma once

namespace lanspread::transport {

// The QUIC sender's congestion controller (ngtcp2's). docs/decisions.md says
// which one is the default and why.
enum class CongestionControl { Bbr, Cubic };

}  // namespace lanspread::transport
