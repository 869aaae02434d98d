#pragma once

#include <chrono>
#include <cstdint>

namespace lanspread::peer {

// Whether a file time stamp (nanoseconds since the epoch, from the kernel's
// real-time clock) is too close to now to prove the file unchanged: a write
// later within the same clock tick would leave it the same. Stamps further
// than `window` in the future are not racy: the wall clock was stepped back
// (NTP, a user fixing the date), and any write from now on gets an earlier,
// so different, stamp. Treating them as racy would rehash and rewalk every
// game on a machine whose clock went back, on every request.
bool is_racy_stamp(std::int64_t stamp_ns, std::chrono::nanoseconds window,
                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace lanspread::peer
